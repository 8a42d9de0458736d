package io.duplex.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import reactor.blockhound.BlockingOperationError;

/**
 * Every blocking call BlockHound detected in this test JVM and no test has answered for yet. The
 * error BlockHound throws fails the request or stream it happens in, but a block in a
 * cancellation, a timer or a callback whose errors are dropped would fail nothing; recorded here,
 * it fails the test that was running ({@link NoBlockingCalls}).
 */
public final class BlockingCalls {

	private static final ConcurrentLinkedQueue<BlockingOperationError> SEEN = new ConcurrentLinkedQueue<>();

	private BlockingCalls() {
	}

	static void record(BlockingOperationError error) {
		SEEN.add(error);
	}

	/** The blocking calls detected since the last drain; a test that blocks on purpose takes its own. */
	public static List<BlockingOperationError> drain() {
		List<BlockingOperationError> seen = new ArrayList<>();
		for (BlockingOperationError error; (error = SEEN.poll()) != null;) {
			seen.add(error);
		}
		return seen;
	}

}
