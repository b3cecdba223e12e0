package seng.store;

/**
 * The allowlist database cannot be used as asked. The message is one line for the operator: it
 * names the file, or the table, row id and value at fault, and what to do about it.
 */
public final class StoreException extends Exception {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
