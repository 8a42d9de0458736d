package io.duplex.session.protocol;

/**
 * What {@link ClientEventDecoder#decode(String)} makes of one client frame: a {@link ClientEvent}
 * to act on, or a {@link ProtocolError} to send back, so that callers handle both in one
 * {@code switch}.
 */
public sealed interface Decoded permits ClientEvent, ProtocolError {

}
