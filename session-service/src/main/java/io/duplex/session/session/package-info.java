/**
 * Duplex sessions: creating them under admission control ({@code POST /v1/sessions} and OpenAI's
 * {@code POST /v1/realtime/client_secrets}), their one-socket client secrets, their lifecycle,
 * segments and usage totals, and the {@link io.duplex.session.session.Sessions} API the realtime
 * gateway runs sessions through. Schema {@code realtime}.
 */
@NullMarked
package io.duplex.session.session;

import org.jspecify.annotations.NullMarked;
