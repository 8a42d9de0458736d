package io.duplex.billing.report;

import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak detector at its most thorough while open: every buffer allocated meanwhile is
 * tracked, and {@link #reported} tells which were collected without having been released.
 */
final class NettyLeaks implements AutoCloseable {

	private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();

	NettyLeaks() {
		this.appender.start();
		this.logger.addAppender(this.appender);
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
	}

	/**
	 * The leaks found: the detector learns of a buffer's collection only when the next one is
	 * tracked, so this collects garbage and allocates a few times before it looks.
	 */
	List<String> reported() throws InterruptedException {
		for (int round = 0; round < 5; round++) {
			System.gc();
			Thread.sleep(50);
			ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
			probe.release();
		}
		synchronized (this.appender) {
			return this.appender.list.stream()
				.map(ILoggingEvent::getFormattedMessage)
				.filter((message) -> message.contains("LEAK"))
				.toList();
		}
	}

	@Override
	public void close() {
		ResourceLeakDetector.setLevel(this.level);
		this.logger.detachAppender(this.appender);
	}

}
