package io.duplex.session.sandbox;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent.InputTranscribed;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderOutbox;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.TokenUsage;
import reactor.core.scheduler.Scheduler;

/**
 * One sandbox session: keeps the user's audio turns and plays answers to them at real-time pace.
 * <p>
 * It answers from each response's context (see {@link Replies}), so of the conversation it keeps
 * only what the context cannot carry: the audio of recent user turns, by item id. Calls may come
 * from the engine while a timer sends deltas, so state is guarded by one lock, and events are
 * delivered through an {@link ProviderOutbox} after it is released.
 */
final class SandboxSession implements ProviderSession {

	/** Remembered turn audio, all turns together: the last ten minutes, like one turn's bound. */
	static final long MAX_REMEMBERED_SAMPLES = InputBuffer.MAX_SAMPLES;

	private final String upstreamId = "sandbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);

	private final Object lock = new Object();

	/** Samples appended in this session: the session's audio clock, on which speech is reported. */
	private long clockSamples;

	private final Scheduler scheduler;

	private final ProviderOutbox emitter;

	private final InputBuffer input = new InputBuffer();

	/** Oldest first, so the oldest turns are forgotten first. */
	private final Map<String, Turn> turns = new LinkedHashMap<>();

	private long rememberedSamples;

	private final InputMeter inputMeter = new InputMeter();

	private ProviderSettings settings;

	private @Nullable Playback response;

	private boolean closed;

	SandboxSession(ProviderSettings settings, ProviderListener listener, Scheduler scheduler) {
		this.settings = settings;
		this.emitter = new ProviderOutbox(listener);
		this.scheduler = scheduler;
	}

	@Override
	public String upstreamId() {
		return this.upstreamId;
	}

	@Override
	public void appendAudio(short[] samples, int offset, int length) {
		synchronized (this.lock) {
			if (!this.closed) {
				this.input.append(samples, offset, length);
				this.clockSamples += length;
			}
		}
	}

	/** Remembers the turn; transcribes it at once if asked to: "(2.4 seconds of speech)". */
	@Override
	public void commitInput(String itemId, long audioStartMs, long audioEndMs) {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			long turnStartSample = this.clockSamples - this.input.appended();
			Turn turn = this.input.take().spoken(audioStartMs * Turn.SAMPLES_PER_MS - turnStartSample,
					audioEndMs * Turn.SAMPLES_PER_MS - turnStartSample);
			remember(itemId, turn);
			if (this.settings.transcribeInput()) {
				this.emitter.offer(new InputTranscribed(itemId, Replies.transcript(turn)));
			}
		}
		this.emitter.drain();
	}

	@Override
	public void clearInput() {
		synchronized (this.lock) {
			this.input.clear();
		}
	}

	@Override
	public void addItem(ContextItem item) {
		// nothing to keep: each response brings the whole context, and a text item has no audio
	}

	@Override
	public void truncateItem(String itemId, long audioEndMs, String heardText) {
		// nothing to keep: only user turns' audio is remembered, and only assistant items are truncated
	}

	@Override
	public void deleteItem(String itemId) {
		synchronized (this.lock) {
			forget(itemId);
		}
	}

	/** Cancels a response still in flight (reporting it cancelled) and starts this one. */
	@Override
	public void createResponse(ResponseSpec spec) {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			cancelInFlight();
			String instructions = (spec.instructions() != null) ? spec.instructions() : this.settings.instructions();
			TokenUsage input = this.inputMeter.measure(instructions, spec.context(),
					this.settings.model().inputAudioTokensPerSecond());
			Plan plan = Replies.plan(spec, this.turns);
			this.response = new Playback(spec.responseId(), plan, input,
					this.settings.model().outputAudioTokensPerSecond(), this.scheduler, this.lock, this.emitter);
			this.response.start(this.settings.firstDeltaDelay());
		}
		this.emitter.drain();
	}

	/** Stops the response in flight and reports it cancelled; without one, does nothing. */
	@Override
	public void cancelResponse() {
		synchronized (this.lock) {
			if (!this.closed) {
				cancelInFlight();
			}
		}
		this.emitter.drain();
	}

	@Override
	public void update(ProviderSettings settings) {
		synchronized (this.lock) {
			this.settings = settings;
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.response != null) {
				this.response.stop();
				this.response = null;
			}
			this.emitter.close();
			this.input.clear();
			this.turns.clear();
			this.rememberedSamples = 0;
		}
	}

	private void cancelInFlight() {
		if (this.response != null) {
			this.response.cancel();
			this.response = null;
		}
	}

	/** Keeps the turn, forgetting the oldest ones while all of them hold more than ten minutes of audio. */
	private void remember(String itemId, Turn turn) {
		forget(itemId);
		this.turns.put(itemId, turn);
		this.rememberedSamples += turn.samples().length;
		Iterator<Turn> oldest = this.turns.values().iterator();
		while (this.rememberedSamples > MAX_REMEMBERED_SAMPLES && this.turns.size() > 1) {
			this.rememberedSamples -= oldest.next().samples().length;
			oldest.remove();
		}
	}

	private void forget(String itemId) {
		Turn turn = this.turns.remove(itemId);
		if (turn != null) {
			this.rememberedSamples -= turn.samples().length;
		}
	}

}
