package seng.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.tinylog.Logger;

/**
 * Caps how many lines of one kind the log takes per minute, because unauthenticated clients can
 * cause some events (a handshake that stalls, for example) as often as they like. The first lines
 * of each minute are written; the rest are counted and reported in one line when the next minute
 * starts. Counters and metrics still see every event.
 */
final class LogRateLimit {
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int linesPerMinute;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    LogRateLimit(int linesPerMinute) {
        this.linesPerMinute = linesPerMinute;
    }

    /** Returns whether a line of this kind may be written now. */
    boolean allow(String kind) {
        Window window = windows.computeIfAbsent(kind, key -> new Window(System.nanoTime()));
        long now = System.nanoTime();
        if (now - window.start > WINDOW_NANOS) {
            synchronized (window) {
                if (now - window.start > WINDOW_NANOS) {
                    long suppressed = window.suppressed.getAndSet(0);
                    if (suppressed > 0) {
                        Logger.info("event=log_suppressed kind={} lines={} window_s=60", kind, suppressed);
                    }
                    window.written.set(0);
                    window.start = now;
                }
            }
        }
        if (window.written.incrementAndGet() <= linesPerMinute) {
            return true;
        }
        window.suppressed.incrementAndGet();
        return false;
    }

    private static final class Window {
        volatile long start;
        final AtomicLong written = new AtomicLong();
        final AtomicLong suppressed = new AtomicLong();

        Window(long start) {
            this.start = start;
        }
    }
}
