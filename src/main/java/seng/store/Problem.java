package seng.store;

/**
 * One invalid row of the allowlist, or one conflict between rows.
 *
 * @param table {@code enclave_subnets} or {@code apps}
 * @param rowId the row's {@code id}
 * @param message what is wrong, in a sentence that names the column and value
 */
public record Problem(String table, long rowId, String message) {

    @Override
    public String toString() {
        return "table " + table + ", row " + rowId + ": " + message;
    }
}
