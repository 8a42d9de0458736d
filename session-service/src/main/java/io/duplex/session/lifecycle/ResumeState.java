package io.duplex.session.lifecycle;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Where a resumed session continues from, as stored: nothing of it lives in a node's memory.
 * @param segments how many upstream segments it had: the resumed one is the next
 * @param startedAt when it first became active: the session clock (transcript times) runs on from there
 * @param sessionConfig the session object as the client last configured it with
 * {@code session.update}; null when it never did (the agent's configuration applies)
 */
public record ResumeState(int segments, Instant startedAt, @Nullable String sessionConfig) {
}
