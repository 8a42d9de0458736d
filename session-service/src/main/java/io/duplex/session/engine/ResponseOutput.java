package io.duplex.session.engine;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ContentRef;

/** One output item of the response in flight: its ids, what it produced, and how much audio went out. */
final class ResponseOutput {

	final int index;

	final String type;

	final Conversation.Entry entry;

	final ContentRef ref;

	final @Nullable String name;

	final @Nullable String callId;

	final StringBuilder text = new StringBuilder();

	long sentSamples;

	long firstAudioNanos;

	@Nullable Long truncateAtMs;

	boolean done;

	ResponseOutput(int index, String type, Conversation.Entry entry, ContentRef ref, @Nullable String name,
			@Nullable String callId) {
		this.index = index;
		this.type = type;
		this.entry = entry;
		this.ref = ref;
		this.name = name;
		this.callId = callId;
	}

	long sentMs() {
		return this.sentSamples / 24;
	}

	/** What the client can have played so far, if it plays in real time from the first delta. */
	long heardMs(long nowNanos) {
		if (this.sentSamples == 0) {
			return 0;
		}
		return Math.min(sentMs(), (nowNanos - this.firstAudioNanos) / 1_000_000);
	}

}
