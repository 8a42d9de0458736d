package io.duplex.session.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one text frame from a client into a typed {@link ClientEvent}, or into the
 * {@link ProtocolError} that OpenAI would answer it with. It never throws for bad input, whatever
 * the frame holds; the codes it uses are listed on {@link ProtocolError}. It holds no state, so
 * one instance serves every session.
 * <p>
 * Checks run in this order, and the first failure is the answer: size (before parsing), JSON,
 * an object, {@code event_id}, {@code type}, then the event's own members in document order.
 * The {@code event_id} is read early so that every later error can carry it.
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-client-events">OpenAI client events</a>
 */
public final class ClientEventDecoder {

	private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	private static final long QUOTES = 0x2222_2222_2222_2222L;

	private static final long ONES = 0x0101_0101_0101_0101L;

	private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

	/** The largest frame accepted: OpenAI's limit for one {@code input_audio_buffer.append}, 15 MiB. */
	public static final int MAX_FRAME_BYTES = 15 * 1024 * 1024;

	/** The longest {@code event_id}, as OpenAI's schema limits it. */
	public static final int MAX_EVENT_ID_LENGTH = 512;

	private static final Set<String> ENVELOPE = Set.of("event_id", "type");

	private static final byte[] TYPE_KEY = "type".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] EVENT_ID_KEY = "event_id".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] AUDIO_KEY = "audio".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] APPEND_TYPE = ClientEvent.InputAudioBufferAppend.TYPE.getBytes(StandardCharsets.US_ASCII);

	private static final Set<String> SESSION_UPDATE = withEnvelope("session");

	private static final Set<String> APPEND = withEnvelope("audio");

	private static final Set<String> ITEM_CREATE = withEnvelope("previous_item_id", "item");

	private static final Set<String> ITEM_ID = withEnvelope("item_id");

	private static final Set<String> TRUNCATE = withEnvelope("item_id", "content_index", "audio_end_ms");

	private static final Set<String> RESPONSE_CREATE = withEnvelope("response");

	private static final Set<String> RESPONSE_CANCEL = withEnvelope("response_id");

	private final JsonMapper mapper;

	private final Map<String, Reader> readers;

	public ClientEventDecoder(JsonMapper mapper) {
		this.mapper = mapper;
		// insertion order is the order "Supported values are: ..." lists them in
		Map<String, Reader> readers = new LinkedHashMap<>();
		readers.put(ClientEvent.SessionUpdate.TYPE, (event, id) -> new ClientEvent.SessionUpdate(id,
				SessionConfigReader.session(event.allowOnly(SESSION_UPDATE).object("session"))));
		readers.put(ClientEvent.InputAudioBufferAppend.TYPE,
				(event, id) -> new ClientEvent.InputAudioBufferAppend(id, event.allowOnly(APPEND).base64("audio")));
		readers.put(ClientEvent.InputAudioBufferCommit.TYPE,
				(event, id) -> new ClientEvent.InputAudioBufferCommit(envelope(event)));
		readers.put(ClientEvent.InputAudioBufferClear.TYPE,
				(event, id) -> new ClientEvent.InputAudioBufferClear(envelope(event)));
		readers.put(ClientEvent.ConversationItemCreate.TYPE, (event, id) -> {
			event.allowOnly(ITEM_CREATE);
			return new ClientEvent.ConversationItemCreate(id, event.optString("previous_item_id"),
					ItemReader.item(event.object("item"), false));
		});
		readers.put(ClientEvent.ConversationItemRetrieve.TYPE,
				(event, id) -> new ClientEvent.ConversationItemRetrieve(id, event.allowOnly(ITEM_ID).string("item_id")));
		readers.put(ClientEvent.ConversationItemTruncate.TYPE, (event, id) -> {
			event.allowOnly(TRUNCATE);
			return new ClientEvent.ConversationItemTruncate(id, event.string("item_id"),
					event.integer("content_index", 0, Integer.MAX_VALUE),
					event.integer("audio_end_ms", 0, Integer.MAX_VALUE));
		});
		readers.put(ClientEvent.ConversationItemDelete.TYPE,
				(event, id) -> new ClientEvent.ConversationItemDelete(id, event.allowOnly(ITEM_ID).string("item_id")));
		readers.put(ClientEvent.ResponseCreate.TYPE, (event, id) -> {
			WireObject response = event.allowOnly(RESPONSE_CREATE).optObject("response");
			return new ClientEvent.ResponseCreate(id,
					(response != null) ? SessionConfigReader.response(response) : null);
		});
		readers.put(ClientEvent.ResponseCancel.TYPE,
				(event, id) -> new ClientEvent.ResponseCancel(id, event.allowOnly(RESPONSE_CANCEL).optString("response_id")));
		readers.put(ClientEvent.OutputAudioBufferClear.TYPE,
				(event, id) -> new ClientEvent.OutputAudioBufferClear(envelope(event)));
		this.readers = Collections.unmodifiableMap(readers);
	}

	/**
	 * The event in {@code frame}, the UTF-8 bytes of a text frame as they came off the socket, or
	 * what is wrong with it. A plain {@code input_audio_buffer.append}, nearly every frame of a
	 * session, is read in one pass over its bytes with its audio decoded where it lies; any other
	 * frame, and anything unusual about an append, goes the way of {@link #decode(String)}, so the
	 * answer is always the same as that method's.
	 */
	public Decoded decode(byte[] frame) {
		if (frame.length > MAX_FRAME_BYTES) {
			return tooLarge();
		}
		ClientEvent.InputAudioBufferAppend append = plainAppend(frame);
		return (append != null) ? append : decode(new String(frame, StandardCharsets.UTF_8));
	}

	/** The event in {@code frame}, or what is wrong with it. */
	public Decoded decode(String frame) {
		if (exceeds(frame, MAX_FRAME_BYTES)) {
			return tooLarge();
		}
		JsonNode root;
		try {
			root = this.mapper.readTree(frame);
		}
		catch (JacksonException ex) {
			return ProtocolError.invalidRequest(ProtocolError.INVALID_JSON, jsonProblem(ex), null, null);
		}
		if (root == null || root.isMissingNode()) {
			return ProtocolError.invalidRequest(ProtocolError.INVALID_JSON, "The event is empty.", null, null);
		}
		if (!(root instanceof ObjectNode object)) {
			return ProtocolError.invalidRequest(ProtocolError.INVALID_EVENT,
					"The event must be a JSON object, but got " + WireObject.describe(root) + " instead.", null, null);
		}
		String eventId = null;
		try {
			eventId = eventId(object);
			JsonNode type = object.get("type");
			if (type == null || type.isNull()) {
				throw new InvalidEvent(ProtocolError.INVALID_EVENT, "The 'type' field is missing.", null);
			}
			String typeName = WireObject.asString(type, "type");
			Reader reader = this.readers.get(typeName);
			if (reader == null) {
				throw InvalidEvent.invalidValue("type", typeName, this.readers.keySet());
			}
			return reader.read(WireObject.root(object), eventId);
		}
		catch (InvalidEvent ex) {
			return ProtocolError.invalidRequest(ex.code(), ex.getMessage(), ex.param(), eventId);
		}
	}

	/** The answer to an event over {@link #MAX_FRAME_BYTES}. */
	public static ProtocolError tooLarge() {
		return ProtocolError.invalidRequest(ProtocolError.EVENT_TOO_LARGE,
				"The event is larger than the limit of 15 MiB (" + MAX_FRAME_BYTES + " bytes).", null, null);
	}

	/**
	 * The append in {@code frame} when it is plainly one: an object with {@code type},
	 * {@code audio} and optionally {@code event_id}, each a string once, in any order, with JSON
	 * whitespace between; no escapes, nothing else and nothing after. The audio is decoded by the
	 * same decoder as on the full path, straight from the frame's bytes. Anything else gives
	 * {@code null}, and the full path answers.
	 */
	static ClientEvent.@Nullable InputAudioBufferAppend plainAppend(byte[] frame) {
		int at = skipSpace(frame, 0);
		if (at >= frame.length || frame[at] != '{') {
			return null;
		}
		boolean typed = false;
		String eventId = null;
		byte[] audio = null;
		at++;
		while (true) {
			at = skipSpace(frame, at);
			int keyEnd = stringEnd(frame, at);
			if (keyEnd < 0) {
				return null;
			}
			int key = at + 1;
			int keyLength = keyEnd - key;
			at = skipSpace(frame, keyEnd + 1);
			if (at >= frame.length || frame[at] != ':') {
				return null;
			}
			at = skipSpace(frame, at + 1);
			boolean audioKey = is(frame, key, keyLength, AUDIO_KEY);
			// the audio's end is only searched for: the base64 decoder refuses anything a plain
			// string would not hold (an escape, a control character, a byte beyond ASCII)
			int valueEnd = audioKey ? quoteAfter(frame, at) : stringEnd(frame, at);
			if (valueEnd < 0) {
				return null;
			}
			int value = at + 1;
			if (is(frame, key, keyLength, TYPE_KEY)) {
				if (typed || !is(frame, value, valueEnd - value, APPEND_TYPE)) {
					return null;
				}
				typed = true;
			}
			else if (is(frame, key, keyLength, EVENT_ID_KEY)) {
				if (eventId != null || valueEnd - value > MAX_EVENT_ID_LENGTH) {
					return null;
				}
				eventId = new String(frame, value, valueEnd - value, StandardCharsets.US_ASCII);
			}
			else if (audioKey) {
				if (audio != null) {
					return null;
				}
				try {
					// decoded where it lies: the decoder sizes its output exactly, padding included
					ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(frame, value, valueEnd - value));
					audio = (decoded.arrayOffset() == 0 && decoded.remaining() == decoded.array().length)
							? decoded.array() : Arrays.copyOfRange(decoded.array(), decoded.arrayOffset() + decoded.position(),
									decoded.arrayOffset() + decoded.limit());
				}
				catch (IllegalArgumentException ex) {
					return null;
				}
			}
			else {
				return null;
			}
			at = skipSpace(frame, valueEnd + 1);
			if (at >= frame.length) {
				return null;
			}
			if (frame[at] == '}') {
				break;
			}
			if (frame[at] != ',') {
				return null;
			}
			at++;
		}
		if (skipSpace(frame, at + 1) != frame.length || !typed || audio == null) {
			return null;
		}
		return new ClientEvent.InputAudioBufferAppend(eventId, audio);
	}

	private static int skipSpace(byte[] frame, int at) {
		while (at < frame.length && (frame[at] == ' ' || frame[at] == '\n' || frame[at] == '\r' || frame[at] == '\t')) {
			at++;
		}
		return at;
	}

	/**
	 * Where the string starting at {@code at} (its opening quote) ends (its closing quote), or -1
	 * unless it is a plain ASCII string: no escape, no control character, nothing beyond ASCII.
	 */
	private static int stringEnd(byte[] frame, int at) {
		if (at >= frame.length || frame[at] != '"') {
			return -1;
		}
		for (int i = at + 1; i < frame.length; i++) {
			byte b = frame[i];
			if (b == '"') {
				return i;
			}
			if (b == '\\' || b < 0x20) {
				// a negative byte is beyond ASCII
				return -1;
			}
		}
		return -1;
	}

	/**
	 * Where the first quote after the opening quote at {@code at} is, or -1: eight bytes at a time
	 * (a byte equal to the quote is a zero byte of the word XOR eight quotes), since the audio of
	 * a 20 ms frame is 1,280 characters long.
	 */
	static int quoteAfter(byte[] frame, int at) {
		if (at >= frame.length || frame[at] != '"') {
			return -1;
		}
		int i = at + 1;
		for (; i + Long.BYTES <= frame.length; i += Long.BYTES) {
			long word = (long) LITTLE_ENDIAN_LONG.get(frame, i) ^ QUOTES;
			long zeros = (word - ONES) & ~word & HIGH_BITS;
			if (zeros != 0) {
				// the lowest flagged byte is exact: the first quote in the word
				return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
			}
		}
		for (; i < frame.length; i++) {
			if (frame[i] == '"') {
				return i;
			}
		}
		return -1;
	}

	private static boolean is(byte[] frame, int from, int length, byte[] expected) {
		return length == expected.length && Arrays.equals(frame, from, from + length, expected, 0, length);
	}

	private static @Nullable String eventId(ObjectNode event) {
		JsonNode eventId = event.get("event_id");
		if (eventId == null || eventId.isNull()) {
			return null;
		}
		String value = WireObject.asString(eventId, "event_id");
		if (value.length() > MAX_EVENT_ID_LENGTH) {
			throw new InvalidEvent(ProtocolError.STRING_ABOVE_MAX_LENGTH,
					"Invalid 'event_id': string too long. Expected a string with maximum length " + MAX_EVENT_ID_LENGTH
							+ ", but got a string with length " + value.length() + " instead.",
					"event_id");
		}
		return value;
	}

	/** The envelope and {@code members}: everything an event type may hold. */
	private static Set<String> withEnvelope(String... members) {
		Set<String> allowed = new HashSet<>(ENVELOPE);
		allowed.addAll(List.of(members));
		return Set.copyOf(allowed);
	}

	/** For events with nothing but the envelope; returns their {@code event_id}. */
	private static @Nullable String envelope(WireObject event) {
		event.allowOnly(ENVELOPE);
		return event.optString("event_id");
	}

	private static String jsonProblem(JacksonException ex) {
		StringBuilder message = new StringBuilder("The event is not valid JSON: ").append(ex.getOriginalMessage());
		TokenStreamLocation location = ex.getLocation();
		if (location != null && location.getLineNr() > 0) {
			message.append(" (line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr())
				.append(')');
		}
		return message.toString();
	}

	/**
	 * Whether {@code frame} is over {@code limit} bytes in UTF-8, counted without encoding it and
	 * only when its length in chars leaves any doubt: a char takes one to three bytes.
	 */
	static boolean exceeds(String frame, int limit) {
		int length = frame.length();
		if (length > limit) {
			return true;
		}
		if ((long) length * 3 <= limit) {
			return false;
		}
		long bytes = 0;
		for (int i = 0; i < length; i++) {
			char c = frame.charAt(i);
			// a surrogate pair is one 4-byte code point, so each half counts 2
			bytes += (c < 0x80) ? 1 : (c < 0x800 || Character.isSurrogate(c)) ? 2 : 3;
			if (bytes > limit) {
				return true;
			}
		}
		return false;
	}

	/** Reads the members of one event type. */
	@FunctionalInterface
	private interface Reader {

		ClientEvent read(WireObject event, @Nullable String eventId);

	}

}
