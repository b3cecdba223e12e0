package seng.store;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.tinylog.Logger;

/**
 * Sends Flyway's log lines to tinylog as single-line events. Flyway's progress lines go to DEBUG,
 * because {@link Migrations} logs one INFO line with the outcome. Flyway instantiates this class by
 * name from its {@code loggers} setting.
 */
public final class FlywayLogs implements LogCreator {

    @Override
    public Log createLogger(Class<?> source) {
        return new TinylogLog();
    }

    private static final class TinylogLog implements Log {
        @Override
        public boolean isDebugEnabled() {
            return Logger.isDebugEnabled();
        }

        @Override
        public void debug(String message) {
            Logger.debug("event=flyway detail=\"{}\"", oneLine(message));
        }

        @Override
        public void info(String message) {
            Logger.debug("event=flyway detail=\"{}\"", oneLine(message));
        }

        @Override
        public void notice(String message) {
            Logger.debug("event=flyway detail=\"{}\"", oneLine(message));
        }

        @Override
        public void warn(String message) {
            Logger.warn("event=flyway detail=\"{}\"", oneLine(message));
        }

        @Override
        public void error(String message) {
            Logger.error("event=flyway detail=\"{}\"", oneLine(message));
        }

        @Override
        public void error(String message, Exception cause) {
            Logger.debug(cause, "event=flyway_error");
            Logger.error("event=flyway detail=\"{}\" error=\"{}\"", oneLine(message), oneLine(String.valueOf(cause)));
        }

        private static String oneLine(String message) {
            return message == null ? "" : message.strip().replace('"', '\'').replaceAll("\\s*[\\r\\n]+\\s*", " | ");
        }
    }
}
