package io.duplex.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One talk as the client hears it: prints each server event as one aligned line (deltas
 * summarised: the first of a stream, then a count at its {@code .done}), and keeps what the summary
 * needs: transcripts, the reply's audio, usage, errors, and whether the turn is over.
 * <p>
 * Events arrive on the socket's thread only; the sending side reads the few volatile flags, and
 * marks the end of a turn it ends itself.
 */
final class Exchange {

	/** Wide enough for the longest event name, so the details line up. */
	static final int TYPE_WIDTH = 53;

	private final JsonMapper json = JsonMapper.shared();

	private final PrintStream out;

	private final boolean quiet;

	private final long startNanos;

	volatile @Nullable String sessionId;

	/** Whether the session has turn detection; without it the client commits and asks for a response. */
	volatile boolean turnDetection = true;

	volatile int speechStarts;

	volatile boolean speaking;

	/** A turn ended (speech stopped or a response was asked for) and its response has not started yet. */
	volatile boolean turnPending;

	volatile int activeResponses;

	volatile int finishedResponses;

	/**
	 * What was said, by item id in conversation order: the user's transcripts once known, the
	 * assistant's transcript or text (from the deltas until the final one comes).
	 */
	final Map<String, Said> said = new LinkedHashMap<>();

	final List<String> responseStatuses = new ArrayList<>();

	final List<String> errors = new ArrayList<>();

	final ByteArrayOutputStream replyAudio = new ByteArrayOutputStream();

	int audioDeltas;

	Usage usage = Usage.NONE;

	/** When the last turn ended, and how long until the first audio of its answer came. */
	private volatile long turnEndedNanos;

	volatile long firstAudioLatencyNanos = -1;

	private volatile boolean awaitingFirstAudio;

	/** Deltas per stream (event type and item) since its first, for the summary line at its end. */
	private final Map<String, long[]> streams = new HashMap<>();

	Exchange(PrintStream out, boolean quiet, long startNanos) {
		this.out = out;
		this.quiet = quiet;
		this.startNanos = startNanos;
	}

	/** Handles one event's JSON text. */
	void onEvent(String text) {
		JsonNode event;
		try {
			event = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			print("(unreadable event)", abbreviate(text, 80));
			return;
		}
		String type = event.path("type").asString("(no type)");
		String details = handle(type, event);
		if (details != null) {
			print(type, details);
		}
	}

	/** Notes that the client ended the turn itself (text sent, or audio committed) and asked for a response. */
	void turnEnded() {
		this.turnPending = true;
		this.turnEndedNanos = System.nanoTime();
		this.awaitingFirstAudio = true;
	}

	/** Prints a line of the client's own doing, in the events' columns. */
	void note(String what, String details) {
		print(what, details);
	}

	/** The details to print for an event, or null for a delta summarised later. */
	private @Nullable String handle(String type, JsonNode e) {
		switch (type) {
			case "session.created", "session.updated" -> {
				JsonNode session = e.path("session");
				this.sessionId = session.path("id").asString(null);
				JsonNode turns = session.path("audio").path("input").path("turn_detection");
				this.turnDetection = !turns.isNull() && !turns.isMissingNode() && !"none".equals(turns.path("type").asString(""));
				String vad = this.turnDetection ? turns.path("type").asString("?")
						+ (turns.has("silence_duration_ms") ? " " + turns.path("silence_duration_ms").asInt(0) + " ms" : "")
						: "off";
				return join(session.path("id").asString("?"), "model=" + session.path("model").asString("?"),
						"voice=" + session.path("audio").path("output").path("voice").asString("?"),
						"output=" + session.path("output_modalities").toString(), "turn_detection=" + vad);
			}
			case "input_audio_buffer.speech_started" -> {
				this.speechStarts++;
				this.speaking = true;
				return join("audio_start_ms=" + e.path("audio_start_ms").asLong(0), "item=" + e.path("item_id").asString(""));
			}
			case "input_audio_buffer.speech_stopped" -> {
				this.speaking = false;
				turnEnded();
				return join("audio_end_ms=" + e.path("audio_end_ms").asLong(0), "item=" + e.path("item_id").asString(""));
			}
			case "input_audio_buffer.committed" -> {
				String item = e.path("item_id").asString("");
				this.said.putIfAbsent(item, new Said("user"));
				return join("item=" + item, "previous=" + e.path("previous_item_id").asString("none"));
			}
			case "conversation.item.added", "conversation.item.done" -> {
				JsonNode item = e.path("item");
				if ("user".equals(item.path("role").asString(null))) {
					String typed = item.path("content").path(0).path("text").asString(null);
					if (typed != null) {
						said(item.path("id").asString(""), "user").set(typed);
					}
				}
				return item(item);
			}
			case "conversation.item.input_audio_transcription.delta" -> {
				return firstOfStream(type, e.path("item_id").asString(""), 0, quote(e.path("delta").asString("")));
			}
			case "conversation.item.input_audio_transcription.completed" -> {
				String item = e.path("item_id").asString("");
				said(item, "user").set(e.path("transcript").asString(""));
				return join("item=" + item, quote(e.path("transcript").asString("")));
			}
			case "response.created" -> {
				this.activeResponses++;
				this.turnPending = false;
				JsonNode response = e.path("response");
				return join(response.path("id").asString("?"), "status=" + response.path("status").asString("?"));
			}
			case "response.output_audio.delta" -> {
				byte[] pcm = Base64.getDecoder().decode(e.path("delta").asString(""));
				this.replyAudio.writeBytes(pcm);
				this.audioDeltas++;
				if (this.awaitingFirstAudio) {
					this.awaitingFirstAudio = false;
					this.firstAudioLatencyNanos = System.nanoTime() - this.turnEndedNanos;
				}
				return firstOfStream("response.output_audio", e.path("item_id").asString(""), pcm.length,
						"first chunk " + ms(pcm.length) + " of audio");
			}
			case "response.output_audio.done" -> {
				long[] stream = this.streams.remove("response.output_audio " + e.path("item_id").asString(""));
				return join("item=" + e.path("item_id").asString(""),
						(stream == null) ? "no audio" : stream[0] + " deltas, " + ms(stream[1]) + " of audio");
			}
			case "response.output_audio_transcript.delta", "response.output_text.delta" -> {
				String item = e.path("item_id").asString("");
				said(item, "assistant").text.append(e.path("delta").asString(""));
				return firstOfStream(type, item, 0, quote(e.path("delta").asString("")));
			}
			case "response.output_audio_transcript.done", "response.output_text.done" -> {
				String item = e.path("item_id").asString("");
				String text = e.path(type.endsWith("text.done") ? "text" : "transcript").asString("");
				said(item, "assistant").set(text);
				long[] stream = this.streams.remove(type.replace(".done", ".delta") + " " + item);
				return join("item=" + item, ((stream == null) ? "" : stream[0] + " deltas ") + quote(text));
			}
			case "response.function_call_arguments.delta" -> {
				return firstOfStream(type, e.path("item_id").asString(""), 0, quote(e.path("delta").asString("")));
			}
			case "response.function_call_arguments.done" -> {
				String item = e.path("item_id").asString("");
				this.streams.remove("response.function_call_arguments.delta " + item);
				String call = e.path("name").asString("?") + "(" + e.path("arguments").asString("") + ")";
				said(item, "assistant").set("[calls " + call + "]");
				return join("item=" + item, "call_id=" + e.path("call_id").asString(""), call);
			}
			case "response.output_item.added", "response.output_item.done" -> {
				return item(e.path("item"));
			}
			case "response.content_part.added", "response.content_part.done" -> {
				return join("item=" + e.path("item_id").asString(""), "part=" + e.path("part").path("type").asString("?"));
			}
			case "response.done" -> {
				return responseDone(e.path("response"));
			}
			case "rate_limits.updated" -> {
				List<String> limits = new ArrayList<>();
				e.path("rate_limits").forEach((limit) -> limits.add(limit.path("name").asString("?") + " "
						+ limit.path("remaining").asLong(0) + "/" + limit.path("limit").asLong(0)));
				return String.join(", ", limits);
			}
			case "error" -> {
				JsonNode error = e.path("error");
				String message = error.path("type").asString("error") + " " + error.path("code").asString("")
						+ ": " + error.path("message").asString("");
				this.errors.add(message);
				return join(message, error.hasNonNull("param") ? "param=" + error.path("param").asString("") : "");
			}
			default -> {
				return "event_id=" + e.path("event_id").asString("?");
			}
		}
	}

	private String responseDone(JsonNode response) {
		this.activeResponses = Math.max(0, this.activeResponses - 1);
		this.finishedResponses++;
		String status = response.path("status").asString("?");
		String reason = response.path("status_details").path("reason").asString(null);
		this.responseStatuses.add((reason != null) ? status + " (" + reason + ")" : status);
		Usage spent = Usage.from(response.path("usage"));
		this.usage = this.usage.plus(spent);
		return join(response.path("id").asString("?"), "status=" + status, (reason != null) ? "reason=" + reason : "",
				"tokens in=" + spent.input() + " out=" + spent.output());
	}

	private Said said(String item, String role) {
		return this.said.computeIfAbsent(item, (id) -> new Said(role));
	}

	private static String item(JsonNode item) {
		String role = item.path("role").asString(null);
		return join(item.path("id").asString("?"), item.path("type").asString("?") + ((role != null) ? "/" + role : ""),
				"status=" + item.path("status").asString("?"));
	}

	/** The details for the first delta of a stream; null (not printed) for the ones after it. */
	private @Nullable String firstOfStream(String type, String item, long bytes, String details) {
		long[] stream = this.streams.computeIfAbsent(type + " " + item, (key) -> new long[2]);
		stream[0]++;
		stream[1] += bytes;
		return (stream[0] == 1) ? join("item=" + item, details, "(more summarised at .done)") : null;
	}

	private void print(String type, String details) {
		if (!this.quiet) {
			this.out.println(line(System.nanoTime() - this.startNanos, type, details));
		}
	}

	/** One event line: seconds since the start, the event type, its details. */
	static String line(long elapsedNanos, String type, String details) {
		return String.format(Locale.ROOT, "%8.3fs  %-" + TYPE_WIDTH + "s  %s", elapsedNanos / 1e9, type, details)
			.stripTrailing();
	}

	/** PCM16 24 kHz bytes as a duration: "120 ms" or "2.40 s". */
	static String ms(long pcmBytes) {
		long ms = pcmBytes / 2 * 1000 / Wav.RATE;
		return (ms < 1000) ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
	}

	static String quote(String text) {
		return "\"" + abbreviate(text.replace("\n", " "), 120) + "\"";
	}

	private static String abbreviate(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max - 1) + "…";
	}

	private static String join(String... parts) {
		StringBuilder joined = new StringBuilder();
		for (String part : parts) {
			if (!part.isEmpty()) {
				joined.append((joined.length() > 0) ? "  " : "").append(part);
			}
		}
		return joined.toString();
	}

	/** One item's words: who said them, and what (empty until known). */
	static final class Said {

		final String role;

		final StringBuilder text = new StringBuilder();

		Said(String role) {
			this.role = role;
		}

		void set(String text) {
			this.text.setLength(0);
			this.text.append(text);
		}

	}

}
