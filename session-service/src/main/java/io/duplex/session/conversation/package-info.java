/**
 * Conversations: every item a realtime session commits, kept in order so a later session can
 * continue the conversation, and read back as transcripts (JSON, text, WebVTT, SRT).
 */
@NullMarked
package io.duplex.session.conversation;

import org.jspecify.annotations.NullMarked;
