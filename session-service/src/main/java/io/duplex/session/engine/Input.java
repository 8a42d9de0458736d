package io.duplex.session.engine;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.session.conversation.StoredItem;
import io.duplex.session.protocol.Decoded;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderSession;

/**
 * What a session engine handles, one at a time and in the order it arrived: whatever thread it
 * comes from (the client's socket, an upstream, a timer, a database answer), it reaches the
 * engine's state only as one of these.
 */
sealed interface Input {

	/**
	 * A decoded client frame (or the error that stands for it).
	 * @param arrivedNanos when the frame reached the socket, for the gateway's added latency
	 */
	record FromClient(Decoded decoded, long arrivedNanos) implements Input {
	}

	/** An upstream's event; only the current upstream's {@code generation} counts, others' are stale. */
	record FromProvider(ProviderEvent event, int generation) implements Input {
	}

	/**
	 * The model session is open and the record says so ({@link SessionOpening}).
	 * @param config the configuration the session starts with: its agent's, or what a resumed one had
	 * @param startedAt a resumed session's first start; null for a first socket
	 * @param resumeToken this socket's resume token; null when resume is off
	 */
	record Opened(ProviderSession session, List<StoredItem> history, SessionConfig config, int segment,
			@Nullable Instant startedAt, @Nullable String resumeToken) implements Input {
	}

	/** A rollover's next upstream is open and seeded with {@code carriedItems}; its events count from now. */
	record Switched(ProviderSession session, int generation, int carriedItems, String reason) implements Input {
	}

	/** A rollover's next upstream could not be opened. */
	record SwitchFailed(Throwable error, String reason) implements Input {
	}

	/** Work that ended on another thread, coming back in turn; dropped once the session ends. */
	record Deferred(Runnable step) implements Input {
	}

	/** A step of the session's close: run even once the session is ending. */
	record Closing(Runnable step) implements Input {
	}

	/** The session's one-second timer. */
	record Tick() implements Input {
	}

	/** The server stops. */
	record ServerShutdown() implements Input {
	}

	/** The session ends, for the reason given. */
	record Stop(Ending ending) implements Input {
	}

}
