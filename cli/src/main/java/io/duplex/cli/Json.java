package io.duplex.cli;

import tools.jackson.databind.json.JsonMapper;

/** The JSON mapper every command shares, and small helpers for hand-written events. */
final class Json {

	static final JsonMapper MAPPER = JsonMapper.shared();

	private Json() {
	}

	/** A string as a JSON string literal, quotes and escapes included. */
	static String string(String text) {
		return MAPPER.writeValueAsString(text);
	}

}
