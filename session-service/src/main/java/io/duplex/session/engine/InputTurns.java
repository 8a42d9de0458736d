package io.duplex.session.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.session.audio.AudioDecoder;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.audio.VadEvent;
import io.duplex.session.audio.VadSettings;
import io.duplex.session.audio.VoiceActivityDetector;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.Ids;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.TurnDetection;
import io.duplex.session.provider.ContextItem;

/**
 * The user's side of the conversation: input audio in the session's format, converted to PCM16
 * 24 kHz for the model, the session's audio clock, server VAD on the real signal, and turning a
 * buffer of audio into a user item when a turn ends (by VAD or by the client's commit).
 */
final class InputTurns {

	/** OpenAI refuses to commit less audio than this. */
	private static final long MIN_COMMIT_MS = 100;

	/** Frames whose arrival is remembered: at 20 ms frames, five seconds, well past any silence duration. */
	private static final int ARRIVALS = 256;

	private final SessionEngine engine;

	private AudioFormat format;

	private AudioDecoder decoder;

	private @Nullable VoiceActivityDetector vad;

	private @Nullable VadSettings vadSettings;

	/** Audio clock, in samples at 24 kHz, of everything appended in this session. */
	private long samples;

	/** Where the VAD's own clock starts on the session's audio clock. */
	private long vadOffsetMs;

	private long bufferStartMs;

	private long firstAudioNanos;

	/** The session clock (ms) when the first audio arrived: maps audio times onto transcripts. */
	private long firstAudioSessionMs = -1;

	private @Nullable String speechItemId;

	private long speechStartMs;

	private short[] scratch = new short[4800];

	/** The decode buffer kept between appends: one second at 24 kHz. */
	private static final int MAX_KEPT_SCRATCH = 24_000;

	/** Where, on the session's audio clock, the current upstream's audio began. */
	private long upstreamStartMs;

	/** When the last frames arrived, by where each ended on the audio clock: a ring, oldest first from {@link #arrivalNext}. */
	private final long[] arrivalEndMs = new long[ARRIVALS];

	private final long[] arrivalNanos = new long[ARRIVALS];

	private int arrivalNext;

	InputTurns(SessionEngine engine) {
		this.engine = engine;
		this.format = SessionSetup.inputFormat(engine.config());
		this.decoder = new AudioDecoder(this.format);
		configure();
	}

	/** Applies the session's current input format and turn detection. */
	void configure() {
		AudioFormat wanted = SessionSetup.inputFormat(this.engine.config());
		if (wanted != this.format) {
			this.format = wanted;
			this.decoder = new AudioDecoder(wanted);
		}
		TurnDetection turns = SessionSetup.turnDetection(this.engine.config());
		VadSettings settings = (turns != null) ? SessionSetup.vadSettings(turns) : null;
		if (settings == null) {
			this.vad = null;
			this.vadSettings = null;
		}
		else if (!settings.equals(this.vadSettings)) {
			this.vad = new VoiceActivityDetector(settings);
			this.vadSettings = settings;
			this.vadOffsetMs = audioMs();
		}
	}

	void append(ClientEvent.InputAudioBufferAppend append, long arrivedNanos) {
		byte[] audio = append.audio();
		ProtocolError refused = this.engine.budgets().append(audio.length, this.format, append.eventId());
		if (refused == null) {
			refused = check(audio, append.eventId());
		}
		if (refused != null) {
			this.engine.emitError(refused);
			return;
		}
		long now = System.nanoTime();
		if (this.firstAudioNanos == 0) {
			this.firstAudioNanos = now;
			this.firstAudioSessionMs = this.engine.sessionMs();
		}
		int count = this.decoder.outputLength(audio.length);
		if (this.scratch.length < count || this.scratch.length > Math.max(count, MAX_KEPT_SCRATCH)) {
			// grown for this append; one a long recorded burst grew is let go at the next
			this.scratch = new short[Math.max(count, 4800)];
		}
		int decoded = this.decoder.decode(audio, 0, audio.length, this.scratch, 0);
		this.samples += decoded;
		this.arrivalEndMs[this.arrivalNext] = audioMs();
		this.arrivalNanos[this.arrivalNext] = arrivedNanos;
		this.arrivalNext = (this.arrivalNext + 1) % ARRIVALS;
		long aheadMs = audioMs() - (now - this.firstAudioNanos) / 1_000_000;
		if (aheadMs > this.engine.services().limits.audioAhead().toMillis()) {
			this.engine.stop(new Ending("audio_too_fast", ProtocolError.invalidRequest("audio_too_fast",
					"Audio is arriving " + aheadMs / 1000 + " s ahead of real time; stream it at real-time pace.", null,
					append.eventId()), Ending.POLICY_VIOLATION));
			return;
		}
		this.engine.provider().appendAudio(this.scratch, 0, decoded);
		if (this.vad != null) {
			List<VadEvent> events = this.vad.feed(this.scratch, 0, decoded);
			for (VadEvent event : events) {
				switch (event) {
					case VadEvent.SpeechStarted started -> speechStarted(started.audioStartMs() + this.vadOffsetMs);
					case VadEvent.SpeechStopped stopped -> speechStopped(stopped.audioEndMs() + this.vadOffsetMs);
				}
			}
		}
	}

	/** Refuses audio that cannot be in the session's format; the session carries on. */
	private @Nullable ProtocolError check(byte[] audio, @Nullable String eventId) {
		if (audio.length >= 4 && audio[0] == 'R' && audio[1] == 'I' && audio[2] == 'F' && audio[3] == 'F') {
			return SessionEngine.error(ProtocolError.INVALID_VALUE, "The audio is a WAV file; append raw "
					+ this.format.wireName() + " samples without a container.", "audio", eventId);
		}
		if (this.format == AudioFormat.PCM16 && audio.length % 2 != 0) {
			return SessionEngine.error(ProtocolError.INVALID_VALUE, "audio/pcm is 16-bit: a chunk must have an even "
					+ "number of bytes, this one has " + audio.length + ".", "audio", eventId);
		}
		return null;
	}

	private void speechStarted(long audioStartMs) {
		this.speechItemId = Ids.item();
		this.speechStartMs = audioStartMs;
		this.engine.emit((events) -> events.inputAudioBufferSpeechStarted(audioStartMs, this.speechItemId));
		if (SessionSetup.interruptsResponse(SessionSetup.turnDetection(this.engine.config()))) {
			this.engine.responses().interrupt();
		}
	}

	private void speechStopped(long audioEndMs) {
		String itemId = (this.speechItemId != null) ? this.speechItemId : Ids.item();
		this.engine.emit((events) -> events.inputAudioBufferSpeechStopped(audioEndMs, itemId));
		commitTurn(itemId, this.speechStartMs, audioEndMs);
		if (SessionSetup.createsResponse(SessionSetup.turnDetection(this.engine.config()))) {
			this.engine.responses().answerTurn(itemId, spokenAtNanos(audioEndMs));
		}
	}

	/**
	 * When the audio at {@code audioMs} on the audio clock reached the gateway: the arrival of the
	 * frame that holds it, less the part of that frame after it (a client streams in real time);
	 * 0 when that frame is no longer remembered.
	 */
	private long spokenAtNanos(long audioMs) {
		for (int i = 0; i < ARRIVALS; i++) {
			int at = (this.arrivalNext + i) % ARRIVALS;
			if (this.arrivalNanos[at] != 0 && this.arrivalEndMs[at] >= audioMs) {
				return this.arrivalNanos[at] - (this.arrivalEndMs[at] - audioMs) * 1_000_000;
			}
		}
		return 0;
	}

	void commit(ClientEvent.InputAudioBufferCommit commit) {
		long buffered = audioMs() - this.bufferStartMs;
		if (buffered < MIN_COMMIT_MS) {
			this.engine.emitError("input_audio_buffer_commit_empty",
					String.format(java.util.Locale.ROOT, "Error committing input audio buffer: buffer too small. "
							+ "Expected at least %dms of audio, but buffer only has %.2fms of audio.", MIN_COMMIT_MS,
							(double) buffered),
					null, commit.eventId());
			return;
		}
		String itemId = (this.speechItemId != null) ? this.speechItemId : Ids.item();
		long start = (this.speechItemId != null) ? this.speechStartMs : this.bufferStartMs;
		commitTurn(itemId, start, audioMs());
		if (this.vad != null) {
			this.vad.reset();
		}
	}

	void clear() {
		this.engine.provider().clearInput();
		this.bufferStartMs = audioMs();
		this.speechItemId = null;
		if (this.vad != null) {
			this.vad.reset();
		}
		this.engine.emit((events) -> events.inputAudioBufferCleared());
	}

	/** The audio since the last commit becomes user item {@code itemId}. */
	private void commitTurn(String itemId, long speechStartMs, long speechEndMs) {
		long turnMs = audioMs() - this.bufferStartMs;
		String previous = this.engine.conversation().lastId();
		// the upstream's audio clock starts where its audio did: at the session's start, or at a rollover
		long offset = this.upstreamStartMs;
		this.engine.provider().commitInput(itemId, Math.max(0, speechStartMs - offset), Math.max(0, speechEndMs - offset));
		this.engine.emit((events) -> events.inputAudioBufferCommitted(previous, itemId));
		ConversationItem.Message item = new ConversationItem.Message(itemId, ConversationItem.Status.COMPLETED,
				ConversationItem.Role.USER, List.of(new ConversationItem.InputAudio(null, null)));
		Conversation.Entry entry = new Conversation.Entry(itemId, item, ContextItem.message(itemId, "user", "", turnMs),
				turnMs, this.firstAudioSessionMs + this.bufferStartMs);
		this.engine.conversation().add(previous, entry);
		this.engine.emit((events) -> events.conversationItemAdded(previous, item));
		this.bufferStartMs = audioMs();
		this.speechItemId = null;
		if (SessionSetup.transcribes(this.engine.config())) {
			this.engine.responses().awaitTranscript(entry);
		}
		else {
			this.engine.responses().itemDone(entry);
		}
	}

	/**
	 * The audio from here on goes to a new upstream (a rollover): its clock starts now.
	 * @return where the previous upstream's clock started, to go back to if the switch fails
	 */
	long restartUpstreamClock() {
		long previous = this.upstreamStartMs;
		this.upstreamStartMs = audioMs();
		return previous;
	}

	/** A switch failed: the audio goes on to the upstream whose clock started at {@code startMs}. */
	void resumeUpstreamClock(long startMs) {
		this.upstreamStartMs = startMs;
	}

	/** Whether server VAD hears the user speaking now. */
	boolean speaking() {
		return this.speechItemId != null;
	}

	long audioMs() {
		return this.samples / 24;
	}

}
