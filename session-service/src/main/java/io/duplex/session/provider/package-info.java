/**
 * The seam between a Duplex session and the model behind it. The session's engine owns the
 * client-facing protocol and the conversation; a provider only turns input (audio, items,
 * response requests) into output (audio, text, function calls, usage). Because nothing of the
 * conversation lives only in a provider, the engine can replace the provider under a live
 * session (rollover, resume).
 */
@NullMarked
package io.duplex.session.provider;

import org.jspecify.annotations.NullMarked;
