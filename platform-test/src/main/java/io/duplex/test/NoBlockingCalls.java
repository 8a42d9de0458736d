package io.duplex.test;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import reactor.blockhound.BlockingOperationError;

/**
 * Fails a test during which (or a class during whose set-up) a blocking call was made on a
 * non-blocking thread, even where the {@link BlockingOperationError} itself was swallowed.
 * Registered for every test of every module through {@code META-INF/services} and JUnit's
 * extension auto-detection (the root {@code pom.xml}'s surefire and failsafe configuration).
 */
public final class NoBlockingCalls implements AfterEachCallback, AfterAllCallback {

	@Override
	public void afterEach(ExtensionContext context) {
		check();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		check();
	}

	private static void check() {
		List<BlockingOperationError> seen = BlockingCalls.drain();
		if (!seen.isEmpty()) {
			AssertionError failure = new AssertionError(seen.size()
					+ " blocking call(s) on a non-blocking thread; the first: " + seen.get(0).getMessage()
					+ " (see 'Never blocking an event loop' in docs/architecture.md)", seen.get(0));
			seen.stream().skip(1).forEach(failure::addSuppressed);
			throw failure;
		}
	}

}
