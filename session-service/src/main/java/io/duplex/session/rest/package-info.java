/**
 * The REST API of sessions: {@code /v1/sessions} (create, list, read, end) and OpenAI's
 * {@code POST /v1/realtime/client_secrets}, with their request and answer records.
 */
@NullMarked
package io.duplex.session.rest;

import org.jspecify.annotations.NullMarked;
