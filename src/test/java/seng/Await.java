package seng;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The bounded wait of the tests: polls a condition until it holds or 10 seconds pass. */
public final class Await {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private Await() {
    }

    /** @throws AssertionError if the condition is still false after 10 seconds */
    public static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + LIMIT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
