package io.duplex.session.testing;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Every log event of every logger, at every level down to TRACE, while open: a test asserts that a
 * secret appears in none of them (message, arguments or stack trace).
 */
public final class CapturedLogs implements AutoCloseable {

	private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

	private final Logger duplex = (Logger) LoggerFactory.getLogger("io.duplex");

	private final Level rootLevel = this.root.getLevel();

	private final Level duplexLevel = this.duplex.getLevel();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	public CapturedLogs() {
		this.appender.start();
		this.root.addAppender(this.appender);
		this.root.setLevel(Level.TRACE);
		this.duplex.setLevel(Level.TRACE);
	}

	/** Every event as text: the formatted message and any throwable's messages, causes included. */
	public List<String> lines() {
		List<ILoggingEvent> events;
		// the appender adds under its own lock, from whichever thread logs
		synchronized (this.appender) {
			events = List.copyOf(this.appender.list);
		}
		return events.stream().map(CapturedLogs::text).toList();
	}

	private static String text(ILoggingEvent event) {
		StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
		for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
			text.append(" | ").append(error.getClassName()).append(": ").append(error.getMessage());
		}
		return text.toString();
	}

	@Override
	public void close() {
		this.root.detachAppender(this.appender);
		this.root.setLevel(this.rootLevel);
		this.duplex.setLevel(this.duplexLevel);
	}

}
