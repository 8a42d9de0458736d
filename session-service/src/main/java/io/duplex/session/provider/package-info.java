/**
 * The seam between a Duplex session and the model behind it. The session's engine owns the
 * client-facing protocol and the conversation; a provider only turns input (audio, items,
 * response requests) into output (audio, text, function calls, usage). Because nothing of the
 * conversation lives only in a provider, the engine can replace the provider under a live
 * session (rollover, resume). What the providers share lives here too: where a session's model
 * runs and with which key ({@link io.duplex.session.provider.Upstreams}), and a circuit breaker per
 * upstream endpoint ({@link io.duplex.session.provider.UpstreamBreakers}).
 */
@NullMarked
package io.duplex.session.provider;

import org.jspecify.annotations.NullMarked;
