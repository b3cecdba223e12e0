package seng.bench;

/** A load-generator command line that cannot be run: the caller prints the message and exits with 2. */
public final class BenchUsageException extends Exception {
    BenchUsageException(String message) {
        super(message);
    }
}
