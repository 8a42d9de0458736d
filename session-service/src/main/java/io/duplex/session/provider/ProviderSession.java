package io.duplex.session.provider;

import reactor.core.publisher.Mono;

/**
 * One upstream model session. Calls come from the session's engine, one at a time; none blocks.
 * Ids of items and responses are the engine's: a provider reports output items by their index in
 * the response, and the engine names them.
 */
public interface ProviderSession {

	/** An id of the upstream session for the record (segment), e.g. the upstream's session id. */
	String upstreamId();

	/** Input audio, PCM16 24 kHz mono, in order, exactly once each. */
	void appendAudio(short[] samples, int offset, int length);

	/** The audio appended since the last commit or clear is the user's turn {@code itemId}. */
	void commitInput(String itemId, long audioStartMs, long audioEndMs);

	/** Forgets the audio appended since the last commit. */
	void clearInput();

	/** Adds an item the client created (text, function output, ...) to the upstream context. */
	void addItem(ContextItem item);

	/** An assistant item was heard only in part: the context must keep only {@code heardText}. */
	void truncateItem(String itemId, long audioEndMs, String heardText);

	/** Removes an item from the upstream context. */
	void deleteItem(String itemId);

	/** Starts a response over the context; its events follow through the listener. */
	void createResponse(ResponseSpec spec);

	/** Stops the response in flight at once; a {@link ProviderEvent.ResponseDone} (cancelled) follows. */
	void cancelResponse();

	/** Applies changed settings (instructions, voice, tools, ...) to later responses. */
	void update(ProviderSettings settings);

	/**
	 * Asks the model, beside the conversation, for a summary of {@code request}'s items: nothing of
	 * it reaches the listener or the upstream conversation. Calls for the conversation may go on
	 * meanwhile.
	 * @return the summary with its usage; empty when this provider writes no summaries (the caller
	 * then condenses the items itself); an error when the request failed or the session closed
	 */
	default Mono<Summary> summarize(SummaryRequest request) {
		return Mono.empty();
	}

	/** Closes the upstream session; no events follow. */
	void close();

}
