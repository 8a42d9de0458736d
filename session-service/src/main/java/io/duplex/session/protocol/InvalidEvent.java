package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Thrown inside the decoder at the first thing wrong with a client event, and turned into a
 * {@link ProtocolError} before it leaves {@link ClientEventDecoder}. It carries no stack trace:
 * a bad event is an expected input, not a bug, and a flood of them should stay cheap.
 */
final class InvalidEvent extends RuntimeException {

	private final String code;

	private final @Nullable String param;

	InvalidEvent(String code, String message, @Nullable String param) {
		super(message, null, false, false);
		this.code = code;
		this.param = param;
	}

	String code() {
		return this.code;
	}

	@Nullable String param() {
		return this.param;
	}

	static InvalidEvent missing(String path) {
		return new InvalidEvent(ProtocolError.MISSING_REQUIRED_PARAMETER,
				"Missing required parameter: '" + path + "'.", path);
	}

	static InvalidEvent unknown(String path) {
		return new InvalidEvent(ProtocolError.UNKNOWN_PARAMETER, "Unknown parameter: '" + path + "'.", path);
	}

	static InvalidEvent wrongType(String path, String expected, String actual) {
		return new InvalidEvent(ProtocolError.INVALID_TYPE,
				"Invalid type for '" + path + "': expected " + expected + ", but got " + actual + " instead.", path);
	}

	static InvalidEvent invalidValue(String path, String value, Iterable<String> supported) {
		StringBuilder message = new StringBuilder("Invalid value: '").append(value).append("'. Supported values are: ");
		String separator = "";
		for (String each : supported) {
			message.append(separator).append('\'').append(each).append('\'');
			separator = ", ";
		}
		return new InvalidEvent(ProtocolError.INVALID_VALUE, message.append('.').toString(), path);
	}

	static InvalidEvent belowMinimum(String path, boolean integer, Number minimum, Number actual) {
		String kind = integer ? "integer" : "decimal";
		return new InvalidEvent(integer ? ProtocolError.INTEGER_BELOW_MIN_VALUE : ProtocolError.DECIMAL_BELOW_MIN_VALUE,
				"Invalid '" + path + "': " + kind + " below minimum value. Expected a value >= " + minimum + ", but got "
						+ actual + " instead.",
				path);
	}

	static InvalidEvent aboveMaximum(String path, boolean integer, Number maximum, Number actual) {
		String kind = integer ? "integer" : "decimal";
		return new InvalidEvent(integer ? ProtocolError.INTEGER_ABOVE_MAX_VALUE : ProtocolError.DECIMAL_ABOVE_MAX_VALUE,
				"Invalid '" + path + "': " + kind + " above maximum value. Expected a value <= " + maximum + ", but got "
						+ actual + " instead.",
				path);
	}

}
