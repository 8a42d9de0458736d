package io.duplex.api.secret;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * Reads an API key only from a JSON string. Jackson would otherwise turn {@code true} or a number
 * into a "key" and store it; this way such a body is a 422 naming the field (whose message never
 * quotes the value).
 */
public class ApiKeyDeserializer extends StdScalarDeserializer<String> {

	public ApiKeyDeserializer() {
		super(String.class);
	}

	@Override
	public String deserialize(JsonParser parser, DeserializationContext context) {
		if (parser.hasToken(JsonToken.VALUE_STRING)) {
			return parser.getString();
		}
		return (String) context.handleUnexpectedToken(String.class, parser);
	}

}
