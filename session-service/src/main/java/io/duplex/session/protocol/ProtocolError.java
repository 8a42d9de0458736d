package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The {@code error} member of an OpenAI Realtime {@code error} server event: what went wrong with
 * a client event, worded the way OpenAI words it so that clients written against OpenAI handle it
 * unchanged. The socket stays open after any of these.
 * <p>
 * Codes the decoder produces. Where OpenAI's own code for a case has been seen (in its spec,
 * or in the error payloads users report), the decoder uses it with OpenAI's message wording;
 * the others are Duplex's own, marked as such.
 * <table>
 * <caption>Error codes</caption>
 * <tr><th>code</th><th>when</th><th>param</th><th>origin</th></tr>
 * <tr><td>{@code event_too_large}</td><td>the frame is over 15 MiB (UTF-8), checked before
 * parsing</td><td>null</td><td>Duplex (OpenAI documents the limit, not the code)</td></tr>
 * <tr><td>{@code invalid_json}</td><td>the frame is not JSON, or is empty</td><td>null</td>
 * <td>Duplex</td></tr>
 * <tr><td>{@code invalid_event}</td><td>the JSON is not an object, or has no {@code type}
 * ("The 'type' field is missing.")</td><td>null</td><td>OpenAI (spec example)</td></tr>
 * <tr><td>{@code invalid_value}</td><td>an unknown event {@code type}, or a value outside the
 * supported ones ("Invalid value: 'x'. Supported values are: …")</td><td>{@code type}, or the
 * field's path</td><td>OpenAI</td></tr>
 * <tr><td>{@code missing_required_parameter}</td><td>a required field is absent or null</td>
 * <td>its path, e.g. {@code item.content[0].text}</td><td>OpenAI</td></tr>
 * <tr><td>{@code invalid_type}</td><td>a field has the wrong JSON type ("expected an integer,
 * but got a decimal number instead.")</td><td>its path</td><td>OpenAI</td></tr>
 * <tr><td>{@code unknown_parameter}</td><td>a member the GA schema does not define, such as the
 * beta {@code session.input_audio_format}</td><td>its path</td><td>OpenAI</td></tr>
 * <tr><td>{@code invalid_base64}</td><td>{@code audio} (or a content part's {@code audio}) is
 * not standard base64</td><td>its path, e.g. {@code audio}</td><td>Duplex</td></tr>
 * <tr><td>{@code integer_below_min_value}, {@code integer_above_max_value},
 * {@code decimal_below_min_value}, {@code decimal_above_max_value}</td><td>a number outside
 * its documented range, e.g. a negative {@code audio_end_ms}</td><td>its path</td>
 * <td>OpenAI</td></tr>
 * <tr><td>{@code string_above_max_length}</td><td>an {@code event_id} over 512 characters</td>
 * <td>{@code event_id}</td><td>OpenAI</td></tr>
 * </table>
 * The engine's per-session limits (docs/limits.md) use {@code string_above_max_length} and
 * {@code array_above_max_length} in OpenAI's wording for an over-long field, and codes of their
 * own for the rest ({@code conversation_limit_exceeded}, {@code tools_too_large},
 * {@code input_audio_buffer_append_too_long}, {@code client_too_slow}).
 * The engine adds its own codes for session state ({@code conversation_already_has_active_response},
 * {@code response_cancel_not_active}, {@code input_audio_buffer_commit_empty}, …) with
 * {@link #invalidRequest(String, String, String, String)}.
 * @param type {@code invalid_request_error} for the client's mistakes, {@code server_error} for
 * Duplex's
 * @param code machine-readable reason, one of the codes above
 * @param message human-readable reason
 * @param param path of the offending field, e.g. {@code item.content[0].text}; null when the
 * event as a whole is at fault
 * @param eventId the {@code event_id} of the client event at fault, when it could be read
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-server-events/error">OpenAI error event</a>
 */
public record ProtocolError(String type, @Nullable String code, String message, @Nullable String param,
		@Nullable String eventId) implements Decoded {

	/** The error type of every mistake in what the client sent. */
	public static final String INVALID_REQUEST_ERROR = "invalid_request_error";

	/** The error type of Duplex's own failures. */
	public static final String SERVER_ERROR = "server_error";

	public static final String EVENT_TOO_LARGE = "event_too_large";

	public static final String INVALID_JSON = "invalid_json";

	public static final String INVALID_EVENT = "invalid_event";

	public static final String INVALID_VALUE = "invalid_value";

	public static final String MISSING_REQUIRED_PARAMETER = "missing_required_parameter";

	public static final String INVALID_TYPE = "invalid_type";

	public static final String UNKNOWN_PARAMETER = "unknown_parameter";

	public static final String INVALID_BASE64 = "invalid_base64";

	public static final String INTEGER_BELOW_MIN_VALUE = "integer_below_min_value";

	public static final String INTEGER_ABOVE_MAX_VALUE = "integer_above_max_value";

	public static final String DECIMAL_BELOW_MIN_VALUE = "decimal_below_min_value";

	public static final String DECIMAL_ABOVE_MAX_VALUE = "decimal_above_max_value";

	public static final String STRING_ABOVE_MAX_LENGTH = "string_above_max_length";

	public static final String ARRAY_ABOVE_MAX_LENGTH = "array_above_max_length";

	/** A mistake in what the client sent. */
	public static ProtocolError invalidRequest(String code, String message, @Nullable String param,
			@Nullable String eventId) {
		return new ProtocolError(INVALID_REQUEST_ERROR, code, message, param, eventId);
	}

	/** A failure on Duplex's side that the client could not have avoided. */
	public static ProtocolError serverError(String code, String message, @Nullable String eventId) {
		return new ProtocolError(SERVER_ERROR, code, message, null, eventId);
	}

}
