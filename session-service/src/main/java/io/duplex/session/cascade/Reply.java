package io.duplex.session.cascade;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.text.TextTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One response in flight: once the transcripts it needs are in, streams the chat model's answer;
 * text becomes text deltas (text responses) or is cut into sentences that are spoken one after the
 * other while the chat model still streams (audio responses), each sentence's transcript going out
 * with its first audio so the transcript never runs ahead of what was heard. Tool calls become
 * function-call items. The message item ends after its last audio, and the response after both
 * streams. Cancelling disposes both streams, which closes their HTTP connections at once.
 * <p>
 * Every method runs under the session's lock (the stream callbacks take it).
 */
final class Reply {

	private static final Map<String, String> STATUS = Map.of("length", "incomplete", "content_filter", "incomplete");

	/** A function call as it streams; it starts once its name is known. */
	private static final class Call {

		int outputIndex = -1;

		@Nullable String id;

		@Nullable String name;

		final StringBuilder arguments = new StringBuilder();

	}

	/** The turn to answer could not be transcribed (that was reported already): there is nothing to answer. */
	private static final class Unheard extends RuntimeException {

		Unheard() {
			super("the turn could not be transcribed", null, false, false);
		}

	}

	/** Audio of a sentence; the first piece carries the sentence, to go out as transcript. */
	private record Piece(@Nullable String sentence, byte[] pcm) {
	}

	private final CascadeSession session;

	private final ResponseSpec spec;

	private final ProviderSettings settings;

	private final List<Mono<String>> transcripts;

	private final boolean audio;

	private final Sentences sentences = new Sentences();

	private final Sinks.Many<String> spoken = Sinks.many().unicast().onBackpressureBuffer();

	private final Disposable.Composite streams = Disposables.composite();

	private final Map<Integer, Call> calls = new TreeMap<>();

	private int nextIndex;

	private int messageIndex = -1;

	private boolean transcriptStarted;

	/**
	 * When the response started, asked the chat model (its transcripts in), got the first token,
	 * asked for its first speech and got that speech's first audio ({@link System#nanoTime()}, 0
	 * until then): the stage figures of the session's latency report.
	 */
	private volatile long startedNanos;

	private volatile long chatRequestNanos;

	private volatile long firstTokenNanos;

	private volatile long speechRequestNanos;

	private volatile long speechByteNanos;

	private String status = "completed";

	private long promptTokens;

	private long cachedTokens;

	private long completionTokens;

	private long ttsCharacters;

	/** Whether the chat stream reported its usage (it does in its last chunk). */
	private boolean usageReported;

	/** The chat request as sent, and what the chat model wrote (text and arguments): an estimate's basis. */
	private byte @Nullable [] chatRequest;

	private final StringBuilder written = new StringBuilder();

	private boolean chatDone;

	private boolean speechDone;

	private boolean finished;

	Reply(CascadeSession session, ResponseSpec spec, ProviderSettings settings, List<Mono<String>> transcripts) {
		this.session = session;
		this.spec = spec;
		this.settings = settings;
		this.transcripts = transcripts;
		this.audio = spec.outputModalities().contains("audio");
		this.speechDone = !this.audio;
	}

	void start() {
		this.startedNanos = System.nanoTime();
		StageClient chat = this.session.stages.chat();
		Flux<JsonNode> chunks = Mono.when(this.transcripts)
			.then(Mono.fromSupplier(() -> {
				this.chatRequestNanos = System.nanoTime();
				return chatBody();
			}))
			.flatMapMany((body) -> chat.post("/chat/completions", "application/json", body, ChatStream::chunks));
		this.streams.add(chunks.subscribe(this::onChunk, (error) -> fail(error, "chat"), this::onChatEnd));
		if (this.audio) {
			int concurrency = this.session.properties.speechConcurrency();
			this.streams.add(this.spoken.asFlux()
				.flatMapSequential(this::speak, concurrency, 1)
				.subscribe(this::onAudio, (error) -> fail(error, "speech"), this::onSpeechEnd));
		}
	}

	/** Stops at once and reports the response cancelled, unless it has ended already. */
	void cancel() {
		if (!this.finished) {
			stop();
			offerDone("cancelled");
		}
	}

	/** Stops without a word: the session is closing. */
	void stop() {
		this.finished = true;
		this.streams.dispose();
	}

	private byte[] chatBody() {
		synchronized (this.session.lock) {
			if (!this.spec.context().isEmpty() && this.session.unheard(this.spec.context().getLast().id())) {
				throw new Unheard();
			}
			byte[] body = ChatRequest.body(this.session.stages.chat().model("gpt-4o-mini"),
					this.settings.instructions(), this.spec, this.session.heard());
			this.chatRequest = body;
			return body;
		}
	}

	private void onChunk(JsonNode chunk) {
		List<String> toSpeak = List.of();
		synchronized (this.session.lock) {
			if (this.finished) {
				return;
			}
			JsonNode usage = chunk.path("usage");
			if (usage.isObject()) {
				this.usageReported = true;
				this.promptTokens = usage.path("prompt_tokens").asLong(0);
				this.completionTokens = usage.path("completion_tokens").asLong(0);
				this.cachedTokens = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
			}
			JsonNode choice = chunk.path("choices").path(0);
			JsonNode delta = choice.path("delta");
			if (this.firstTokenNanos == 0 && (delta.hasNonNull("content") || delta.has("tool_calls"))) {
				this.firstTokenNanos = System.nanoTime();
			}
			String content = delta.path("content").stringValue(null);
			if (content != null && !content.isEmpty()) {
				this.written.append(content);
				toSpeak = text(content);
			}
			for (JsonNode call : delta.path("tool_calls")) {
				toolCall(call);
			}
			String finish = choice.path("finish_reason").stringValue(null);
			if (finish != null) {
				this.status = STATUS.getOrDefault(finish, "completed");
			}
		}
		handOver(toSpeak);
		this.session.deliver();
	}

	private List<String> text(String content) {
		if (this.messageIndex < 0) {
			this.messageIndex = this.nextIndex++;
			this.session.outbox.offer(new ProviderEvent.OutputItemStarted(this.spec.responseId(), this.messageIndex,
					"message", null, null));
		}
		if (!this.audio) {
			this.session.outbox.offer(new ProviderEvent.TextDelta(this.spec.responseId(), this.messageIndex, content));
			return List.of();
		}
		return this.sentences.add(content);
	}

	private void toolCall(JsonNode delta) {
		Call call = this.calls.computeIfAbsent(delta.path("index").asInt(this.calls.size()), (index) -> new Call());
		String id = delta.path("id").stringValue(null);
		if (id != null && call.id == null) {
			call.id = id;
		}
		JsonNode function = delta.path("function");
		String name = function.path("name").stringValue(null);
		if (name != null && call.name == null) {
			call.name = name;
		}
		String arguments = function.path("arguments").stringValue("");
		this.written.append(arguments);
		if (call.outputIndex >= 0) {
			if (!arguments.isEmpty()) {
				this.session.outbox.offer(new ProviderEvent.ArgumentsDelta(this.spec.responseId(), call.outputIndex,
						arguments));
			}
			return;
		}
		call.arguments.append(arguments);
		if (call.name != null) {
			startCall(call);
		}
	}

	private void startCall(Call call) {
		call.outputIndex = this.nextIndex++;
		if (call.id == null) {
			call.id = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
		}
		this.session.outbox.offer(new ProviderEvent.OutputItemStarted(this.spec.responseId(), call.outputIndex,
				"function_call", call.name, call.id));
		if (!call.arguments.isEmpty()) {
			this.session.outbox.offer(new ProviderEvent.ArgumentsDelta(this.spec.responseId(), call.outputIndex,
					call.arguments.toString()));
		}
	}

	private void onChatEnd() {
		List<String> rest = List.of();
		synchronized (this.session.lock) {
			if (this.finished) {
				return;
			}
			this.chatDone = true;
			for (Call call : this.calls.values()) {
				if (call.outputIndex < 0) {
					// a call whose name never came: what arrived is still reported, under an empty name
					call.name = "";
					startCall(call);
				}
				this.session.outbox.offer(new ProviderEvent.OutputItemDone(this.spec.responseId(), call.outputIndex));
			}
			if (this.audio) {
				rest = this.sentences.end();
			}
			else {
				finishIfDone();
			}
		}
		handOver(rest);
		this.spoken.tryEmitComplete();
		this.session.deliver();
	}

	/** Hands sentences to speech; called outside the lock, by the chat stream only, so in order. */
	private void handOver(List<String> sentences) {
		for (String sentence : sentences) {
			this.spoken.tryEmitNext(sentence);
		}
	}

	private Flux<Piece> speak(String sentence) {
		StageClient speech = this.session.stages.speech();
		String voice = (this.settings.voice() != null) ? this.settings.voice() : this.session.properties.voice();
		boolean[] first = { true };
		return Speech.request(speech, sentence, voice)
			.doOnSubscribe((subscription) -> {
				synchronized (this.session.lock) {
					this.ttsCharacters += sentence.codePointCount(0, sentence.length());
					if (this.speechRequestNanos == 0) {
						this.speechRequestNanos = System.nanoTime();
					}
				}
			})
			.map((pcm) -> {
				if (this.speechByteNanos == 0) {
					this.speechByteNanos = System.nanoTime();
				}
				Piece piece = new Piece(first[0] ? sentence : null, pcm);
				first[0] = false;
				return piece;
			})
			.switchIfEmpty(Mono.fromSupplier(() -> new Piece(sentence, new byte[0])));
	}

	private void onAudio(Piece piece) {
		synchronized (this.session.lock) {
			if (this.finished) {
				return;
			}
			if (piece.sentence() != null) {
				String delta = this.transcriptStarted ? " " + piece.sentence() : piece.sentence();
				this.transcriptStarted = true;
				this.session.outbox.offer(new ProviderEvent.TranscriptDelta(this.spec.responseId(), this.messageIndex,
						delta));
			}
			if (piece.pcm().length > 0) {
				this.session.outbox.offer(new ProviderEvent.AudioDelta(this.spec.responseId(), this.messageIndex,
						piece.pcm()));
			}
		}
		this.session.deliver();
	}

	private void onSpeechEnd() {
		synchronized (this.session.lock) {
			if (this.finished) {
				return;
			}
			this.speechDone = true;
			finishIfDone();
		}
		this.session.deliver();
	}

	private void finishIfDone() {
		if (!this.chatDone || !this.speechDone) {
			return;
		}
		if (this.messageIndex >= 0) {
			this.session.outbox.offer(new ProviderEvent.OutputItemDone(this.spec.responseId(), this.messageIndex));
		}
		this.finished = true;
		offerDone(this.status);
		this.session.ended(this);
	}

	/** A stream failed: the other is stopped, the failure relayed and the response ends as failed. */
	private void fail(Throwable error, String stage) {
		synchronized (this.session.lock) {
			if (this.finished) {
				return;
			}
			stop();
			if (!(error instanceof Unheard)) {
				this.session.failed(error, stage);
			}
			offerDone("failed");
			this.session.ended(this);
		}
		this.session.deliver();
	}

	/** How long each stage took to start, then the end of the response. */
	private void offerDone(String status) {
		this.session.outbox.offer(new ProviderEvent.StageTimings(this.spec.responseId(),
				between(this.startedNanos, this.chatRequestNanos), between(this.chatRequestNanos, this.firstTokenNanos),
				between(this.speechRequestNanos, this.speechByteNanos)));
		this.session.outbox.offer(done(status));
	}

	/** Milliseconds from {@code from} to {@code to}, or {@code null} when the stage never got there. */
	private static @Nullable Integer between(long from, long to) {
		return (from != 0 && to != 0 && to >= from) ? (int) ((to - from) / 1_000_000) : null;
	}

	/**
	 * The usage: speech to text and text to speech as counted, the chat model's tokens as it
	 * reported them. A response cut before the chat stream got to its usage (cancelled, failed) was
	 * billed by the chat model all the same: its tokens are then estimated, the prompt from the
	 * messages sent and the completion from what it wrote ({@code o200k_base} tokens), and marked so.
	 */
	private ProviderEvent done(String status) {
		byte[] request = this.chatRequest;
		TokenUsage usage;
		if (!this.usageReported && request != null && !"completed".equals(status)) {
			usage = new TokenUsage(promptEstimate(request), 0, 0, 0, TextTokens.count(this.written.toString()), 0,
					this.session.takeSttMillis(), this.ttsCharacters, true);
		}
		else {
			usage = new TokenUsage(this.promptTokens, 0, this.cachedTokens, 0, this.completionTokens, 0,
					this.session.takeSttMillis(), this.ttsCharacters);
		}
		return new ProviderEvent.ResponseDone(this.spec.responseId(), status, usage);
	}

	/** The tokens of the text of the messages sent: what the chat model read, less its per-message framing. */
	private static long promptEstimate(byte[] request) {
		long tokens = 0;
		for (JsonNode message : JsonMapper.shared().readTree(request).path("messages")) {
			tokens += TextTokens.count(message.path("content").stringValue(""));
			JsonNode calls = message.path("tool_calls");
			if (!calls.isMissingNode()) {
				tokens += TextTokens.count(calls.toString());
			}
		}
		return tokens;
	}

}
