package io.duplex.session.cascade;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.duplex.audio.Wav;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderOutbox;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.Summary;
import io.duplex.session.provider.SummaryRequest;
import io.duplex.session.provider.TokenUsage;
import tools.jackson.databind.JsonNode;

/**
 * One cascade session. A committed turn is sent to speech to text at once (its transcript is
 * reported when the session asks for transcripts, and kept for the chat model either way); a
 * response waits for the transcripts of the turns in its context, then streams the chat model's
 * answer, and for audio speaks it sentence by sentence (see {@link Reply}).
 * <p>
 * The engine calls from its thread while HTTP answers arrive on others, so state is guarded by one
 * lock, and events are delivered through an {@link ProviderOutbox} after it is released.
 */
final class CascadeSession implements ProviderSession {

	/** The three upstreams of a session. */
	record Stages(StageClient transcription, StageClient chat, StageClient speech) {
	}

	static final int SAMPLE_RATE = 24_000;

	/** Ten minutes: beyond it only the end of a turn is kept, like the sandbox's bound. */
	static final int MAX_TURN_SAMPLES = 10 * 60 * SAMPLE_RATE;

	final Object lock = new Object();

	final ProviderOutbox outbox;

	final Stages stages;

	final CascadeProperties properties;

	private final String upstreamId = "cascade_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);

	private ProviderSettings settings;

	private short[] input = new short[0];

	private int inputSize;

	/** Transcripts of committed turns by the engine's item id: pending, then done. */
	private final Map<String, Mono<String>> transcribing = new HashMap<>();

	private final Map<String, String> heard = new HashMap<>();

	/** Turns whose transcription failed: a response to one has nothing to answer. */
	private final Set<String> unheard = new HashSet<>();

	/** Audio transcribed since the last response reported usage. */
	private long unbilledSttMillis;

	/** Ends the transcriptions still in flight when the session closes. */
	private final Sinks.One<Boolean> closing = Sinks.one();

	private @Nullable Reply reply;

	private boolean closed;

	CascadeSession(ProviderSettings settings, ProviderListener listener, Stages stages, CascadeProperties properties) {
		this.settings = settings;
		this.outbox = new ProviderOutbox(listener);
		this.stages = stages;
		this.properties = properties;
	}

	@Override
	public String upstreamId() {
		return this.upstreamId;
	}

	@Override
	public void appendAudio(short[] samples, int offset, int length) {
		synchronized (this.lock) {
			if (this.closed || length <= 0) {
				return;
			}
			if (this.inputSize + length > this.input.length) {
				grow(this.inputSize + length);
			}
			int keep = Math.min(length, this.input.length);
			int drop = this.inputSize + keep - this.input.length;
			if (drop > 0) {
				System.arraycopy(this.input, drop, this.input, 0, this.inputSize - drop);
				this.inputSize -= drop;
			}
			System.arraycopy(samples, offset + length - keep, this.input, this.inputSize, keep);
			this.inputSize += keep;
		}
	}

	/** Sends the turn to speech to text at once, so its transcript is ready when the response needs it. */
	@Override
	public void commitInput(String itemId, long audioStartMs, long audioEndMs) {
		short[] turn;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			turn = Arrays.copyOf(this.input, this.inputSize);
			clearBuffer();
		}
		if (turn.length == 0) {
			transcribed(itemId, "", 0);
			this.outbox.drain();
			return;
		}
		long millis = turn.length * 1000L / SAMPLE_RATE;
		Mono<String> transcript = Transcription.request(this.stages.transcription(), Wav.write(turn, SAMPLE_RATE),
				this.properties.language())
			.doOnNext((text) -> transcribed(itemId, text, millis))
			.onErrorResume((error) -> {
				failed(error, "transcription");
				synchronized (this.lock) {
					this.unheard.add(itemId);
				}
				transcribed(itemId, "", 0);
				return Mono.just("");
			})
			.doFinally((signal) -> deliver())
			.takeUntilOther(this.closing.asMono())
			.cache();
		synchronized (this.lock) {
			this.transcribing.put(itemId, transcript);
		}
		// started now, not when a response needs it: the transcript is usually ready by then
		transcript.subscribe();
	}

	@Override
	public void clearInput() {
		synchronized (this.lock) {
			clearBuffer();
		}
	}

	@Override
	public void addItem(ContextItem item) {
		// nothing to keep: each response brings the whole context
	}

	@Override
	public void truncateItem(String itemId, long audioEndMs, String heardText) {
		// nothing to keep: the next response's context carries the item as heard
	}

	@Override
	public void deleteItem(String itemId) {
		synchronized (this.lock) {
			this.transcribing.remove(itemId);
			this.heard.remove(itemId);
			this.unheard.remove(itemId);
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
			List<Mono<String>> waits = new ArrayList<>();
			for (ContextItem item : spec.context()) {
				Mono<String> transcript = this.transcribing.get(item.id());
				if (transcript != null && !this.heard.containsKey(item.id())) {
					waits.add(transcript);
				}
			}
			this.reply = new Reply(this, spec, this.settings, waits);
			this.reply.start();
		}
		this.outbox.drain();
	}

	/** Aborts the response's HTTP streams at once and reports it cancelled; without one, does nothing. */
	@Override
	public void cancelResponse() {
		synchronized (this.lock) {
			if (!this.closed) {
				cancelInFlight();
			}
		}
		this.outbox.drain();
	}

	@Override
	public void update(ProviderSettings settings) {
		synchronized (this.lock) {
			this.settings = settings;
		}
	}

	/**
	 * A chat completion of its own, beside any response: the chat model reads the conversation as
	 * text (user turns by this session's own transcripts, as its answers do) and writes the
	 * summary; its tokens are its usage. Closing the session stops it.
	 */
	@Override
	public Mono<Summary> summarize(SummaryRequest request) {
		StageClient chat = this.stages.chat();
		SummaryRequest heard = withTranscripts(request);
		Mono<Summary> summary = Mono.defer(() -> {
			StringBuilder text = new StringBuilder();
			TokenUsage[] usage = { TokenUsage.NONE };
			return chat.post("/chat/completions", "application/json",
					ChatRequest.summary(chat.model("gpt-4o-mini"), heard), ChatStream::chunks)
				.doOnNext((chunk) -> {
					text.append(chunk.path("choices").path(0).path("delta").path("content").stringValue(""));
					JsonNode reported = chunk.path("usage");
					if (reported.isObject()) {
						usage[0] = new TokenUsage(reported.path("prompt_tokens").asLong(0), 0,
								reported.path("prompt_tokens_details").path("cached_tokens").asLong(0), 0,
								reported.path("completion_tokens").asLong(0), 0);
					}
				})
				.then(Mono.fromSupplier(() -> new Summary(text.toString(), usage[0])));
		});
		Mono<Summary> closed = this.closing.asMono()
			.then(Mono.error(() -> new IllegalStateException("the session was closed")));
		return Mono.firstWithSignal(summary, closed);
	}

	/** The request with the transcripts this session made of its user turns in place of the engine's text. */
	private SummaryRequest withTranscripts(SummaryRequest request) {
		Map<String, String> heard;
		synchronized (this.lock) {
			heard = heard();
		}
		List<ContextItem> items = request.earlier()
			.stream()
			.map((item) -> heard.containsKey(item.id()) ? new ContextItem(item.id(), item.type(), item.role(),
					heard.get(item.id()), item.name(), item.callId(), item.audioMs()) : item)
			.toList();
		return new SummaryRequest(items, request.maxTokens());
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.reply != null) {
				this.reply.stop();
				this.reply = null;
			}
			this.outbox.close();
			this.closing.tryEmitValue(true);
			this.transcribing.clear();
			this.heard.clear();
			this.unheard.clear();
			clearBuffer();
		}
	}

	/** The transcripts made so far, for a chat request; under the lock. */
	Map<String, String> heard() {
		return Map.copyOf(this.heard);
	}

	/**
	 * Delivers the events offered so far, unless this thread holds the lock: a response that fails
	 * at once (its breaker is open) does so inside {@link #createResponse}, which delivers after
	 * letting go of the lock.
	 */
	void deliver() {
		if (!Thread.holdsLock(this.lock)) {
			this.outbox.drain();
		}
	}

	/** Whether the turn's transcription failed; under the lock. */
	boolean unheard(String itemId) {
		return this.unheard.contains(itemId);
	}

	/** Audio transcribed since the last response that reported usage; under the lock. */
	long takeSttMillis() {
		long millis = this.unbilledSttMillis;
		this.unbilledSttMillis = 0;
		return millis;
	}

	/** The response ended by itself; under the lock. */
	void ended(Reply ended) {
		if (this.reply == ended) {
			this.reply = null;
		}
	}

	/** Reports an upstream failure that does not end the session; under the lock or not. */
	void failed(Throwable error, String stage) {
		synchronized (this.lock) {
			if (!this.closed) {
				this.outbox.offer(Failures.event(error, stage));
			}
		}
	}

	private void transcribed(String itemId, String text, long millis) {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.heard.put(itemId, text);
			this.transcribing.remove(itemId);
			this.unbilledSttMillis += millis;
			if (this.settings.transcribeInput()) {
				this.outbox.offer(new ProviderEvent.InputTranscribed(itemId, text));
			}
		}
	}

	private void cancelInFlight() {
		if (this.reply != null) {
			this.reply.cancel();
			this.reply = null;
		}
	}

	private void grow(int needed) {
		int capacity = Math.min(MAX_TURN_SAMPLES, Math.max(needed, Math.max(SAMPLE_RATE, this.input.length * 2)));
		if (capacity > this.input.length) {
			this.input = Arrays.copyOf(this.input, capacity);
		}
	}

	private void clearBuffer() {
		// a long turn's buffer goes rather than being held for the rest of the session
		this.input = new short[0];
		this.inputSize = 0;
	}

}
