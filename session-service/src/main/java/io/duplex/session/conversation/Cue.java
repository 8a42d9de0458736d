package io.duplex.session.conversation;

/**
 * One timed line of a subtitle transcript, on the session's clock.
 * @param speaker who speaks, e.g. {@code User}
 * @param text what was said, on one line, with {@code …} at the end when the user cut it off
 */
record Cue(long startMs, long endMs, String speaker, String text) {

}
