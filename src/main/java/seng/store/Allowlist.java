package seng.store;

import java.util.List;
import java.util.Optional;

import seng.pool.Subnet;

/**
 * The queries the server makes of the allowlist while it runs. Each call reads the current rows,
 * so rows added or removed since the server started count from the next call on. Implementations
 * are thread-safe and let concurrent calls proceed in parallel.
 */
public interface Allowlist extends AutoCloseable {

    /**
     * Returns the {@code apps} rows with this MRENCLAVE, lowest id first.
     *
     * @throws StoreException if the database cannot be read, or one of those rows is invalid
     */
    List<AppRow> appsWithMrEnclave(byte[] mrEnclave) throws StoreException;

    /**
     * Returns the enclave subnetwork of an {@code enclave_subnets} row, or empty if there is no such row.
     *
     * @throws StoreException if the database cannot be read, or the row is invalid
     */
    Optional<Subnet> enclaveSubnet(int id) throws StoreException;

    /** Returns every enclave subnetwork, lowest id first. */
    List<Subnet> enclaveSubnets() throws StoreException;

    /** Releases the database connections; later calls fail. Idempotent. */
    @Override
    void close();
}
