/**
 * The bearer tokens of a session, stored only as hashes: one-time client secrets (issued and used
 * up in {@code realtime.client_secret}) and resume tokens.
 */
@NullMarked
package io.duplex.session.secrets;

import org.jspecify.annotations.NullMarked;
