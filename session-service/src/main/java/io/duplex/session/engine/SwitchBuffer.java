package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;

/**
 * Stands in for the model while a rollover opens the next upstream session: every call is kept,
 * audio copied, and {@link #replay replayed} on the new session in the order it came, so what
 * the client sent during the switch reaches exactly one upstream, exactly once.
 */
final class SwitchBuffer implements ProviderSession {

	private final String upstreamId;

	private final List<Consumer<ProviderSession>> calls = new ArrayList<>();

	private long bufferedSamples;

	/** Read when a kept commit is replayed, so it is set before. */
	private long shiftMs;

	SwitchBuffer(String upstreamId) {
		this.upstreamId = upstreamId;
	}

	@Override
	public String upstreamId() {
		return this.upstreamId;
	}

	@Override
	public void appendAudio(short[] samples, int offset, int length) {
		// the caller reuses its array for the next frame
		short[] copy = Arrays.copyOfRange(samples, offset, offset + length);
		this.bufferedSamples += length;
		this.calls.add((session) -> session.appendAudio(copy, 0, copy.length));
	}

	@Override
	public void commitInput(String itemId, long audioStartMs, long audioEndMs) {
		this.calls.add((session) -> session.commitInput(itemId, audioStartMs + this.shiftMs, audioEndMs + this.shiftMs));
	}

	@Override
	public void clearInput() {
		this.calls.add(ProviderSession::clearInput);
	}

	@Override
	public void addItem(ContextItem item) {
		this.calls.add((session) -> session.addItem(item));
	}

	@Override
	public void truncateItem(String itemId, long audioEndMs, String heardText) {
		this.calls.add((session) -> session.truncateItem(itemId, audioEndMs, heardText));
	}

	@Override
	public void deleteItem(String itemId) {
		this.calls.add((session) -> session.deleteItem(itemId));
	}

	@Override
	public void createResponse(ResponseSpec spec) {
		this.calls.add((session) -> session.createResponse(spec));
	}

	@Override
	public void cancelResponse() {
		this.calls.add(ProviderSession::cancelResponse);
	}

	@Override
	public void update(ProviderSettings settings) {
		this.calls.add((session) -> session.update(settings));
	}

	@Override
	public void close() {
		this.calls.clear();
	}

	/** Samples of audio held, for the record. */
	long bufferedSamples() {
		return this.bufferedSamples;
	}

	/**
	 * Hands every call kept to {@code next}, in order; the buffer is then empty.
	 * @param clockShiftMs added to the audio times of commits: 0 for the upstream they were timed
	 * for, more for an older one whose clock started earlier
	 */
	void replay(ProviderSession next, long clockShiftMs) {
		this.shiftMs = clockShiftMs;
		for (Consumer<ProviderSession> call : this.calls) {
			call.accept(next);
		}
		this.calls.clear();
	}

}
