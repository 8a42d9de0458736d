/**
 * Response latency: for every response of a session, the part of the wait between the user's last
 * word and the first sound of the answer that the platform controls, stored per response and
 * summarised per session.
 */
@NullMarked
package io.duplex.session.latency;

import org.jspecify.annotations.NullMarked;
