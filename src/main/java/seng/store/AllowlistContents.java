package seng.store;

import java.util.List;

import seng.pool.Subnet;

/**
 * Everything in an allowlist file at one moment, lowest id first.
 *
 * @param subnets the valid {@code enclave_subnets} rows
 * @param apps the valid {@code apps} rows
 * @param problems the invalid rows and the conflicts between rows; empty for a file the server can use
 */
public record AllowlistContents(List<Subnet> subnets, List<AppRow> apps, List<Problem> problems) {

    public AllowlistContents {
        subnets = List.copyOf(subnets);
        apps = List.copyOf(apps);
        problems = List.copyOf(problems);
    }
}
