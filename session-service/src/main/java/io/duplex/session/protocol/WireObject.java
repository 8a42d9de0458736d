package io.duplex.session.protocol;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON object inside a client event, read with its path ({@code item.content[0]}) so that
 * every complaint names the offending field the way OpenAI's {@code param} does. Getters throw
 * {@link InvalidEvent}. JSON {@code null} counts as absent, except where a caller asks for the
 * raw node because the protocol gives {@code null} a meaning (clearing a session setting).
 */
final class WireObject {

	private final ObjectNode node;

	private final String path;

	private WireObject(ObjectNode node, String path) {
		this.node = node;
		this.path = path;
	}

	static WireObject root(ObjectNode node) {
		return new WireObject(node, "");
	}

	/** Reads {@code value} as an object found at {@code path}. */
	static WireObject at(JsonNode value, String path) {
		if (!(value instanceof ObjectNode object)) {
			throw InvalidEvent.wrongType(path, "an object", describe(value));
		}
		return new WireObject(object, path);
	}

	String path() {
		return this.path;
	}

	/** The object itself, for members kept verbatim. */
	ObjectNode node() {
		return this.node;
	}

	String pathOf(String name) {
		return this.path.isEmpty() ? name : this.path + "." + name;
	}

	/** Rejects the first member, in document order, that {@code allowed} does not name. */
	WireObject allowOnly(Set<String> allowed) {
		for (String name : this.node.propertyNames()) {
			if (!allowed.contains(name)) {
				throw InvalidEvent.unknown(pathOf(name));
			}
		}
		return this;
	}

	/** Whether the member is there at all, even as {@code null}. */
	boolean has(String name) {
		return this.node.has(name);
	}

	/** The member as parsed, {@code null} included; Java null when absent. */
	@Nullable JsonNode raw(String name) {
		return this.node.get(name);
	}

	private @Nullable JsonNode present(String name) {
		JsonNode value = this.node.get(name);
		return (value == null || value.isNull()) ? null : value;
	}

	private JsonNode required(String name) {
		JsonNode value = present(name);
		if (value == null) {
			throw InvalidEvent.missing(pathOf(name));
		}
		return value;
	}

	String string(String name) {
		return asString(required(name), pathOf(name));
	}

	@Nullable String optString(String name) {
		JsonNode value = present(name);
		return (value != null) ? asString(value, pathOf(name)) : null;
	}

	int integer(String name, long minimum, long maximum) {
		return (int) asInteger(required(name), pathOf(name), minimum, maximum);
	}

	@Nullable Integer optInteger(String name, long minimum, long maximum) {
		JsonNode value = present(name);
		return (value != null) ? (int) asInteger(value, pathOf(name), minimum, maximum) : null;
	}

	@Nullable Double optNumber(String name, double minimum, double maximum) {
		JsonNode value = present(name);
		if (value == null) {
			return null;
		}
		String path = pathOf(name);
		if (!value.isNumber()) {
			throw InvalidEvent.wrongType(path, "a number", describe(value));
		}
		double number = value.doubleValue();
		if (number < minimum) {
			throw InvalidEvent.belowMinimum(path, false, minimum, value.numberValue());
		}
		if (number > maximum) {
			throw InvalidEvent.aboveMaximum(path, false, maximum, value.numberValue());
		}
		return number;
	}

	@Nullable Boolean optBoolean(String name) {
		JsonNode value = present(name);
		if (value == null) {
			return null;
		}
		if (!value.isBoolean()) {
			throw InvalidEvent.wrongType(pathOf(name), "a boolean", describe(value));
		}
		return value.booleanValue();
	}

	WireObject object(String name) {
		return at(required(name), pathOf(name));
	}

	@Nullable WireObject optObject(String name) {
		JsonNode value = present(name);
		return (value != null) ? at(value, pathOf(name)) : null;
	}

	WireArray array(String name) {
		return WireArray.at(required(name), pathOf(name));
	}

	@Nullable WireArray optArray(String name) {
		JsonNode value = present(name);
		return (value != null) ? WireArray.at(value, pathOf(name)) : null;
	}

	/** A string member that must be one of {@code choices}' keys, mapped to its value. */
	<E> E choice(String name, Map<String, E> choices) {
		return asChoice(string(name), pathOf(name), choices);
	}

	<E> @Nullable E optChoice(String name, Map<String, E> choices) {
		String value = optString(name);
		return (value != null) ? asChoice(value, pathOf(name), choices) : null;
	}

	/** A base64 member decoded to bytes; padding may be left off, line breaks may not be put in. */
	byte[] base64(String name) {
		String path = pathOf(name);
		String encoded = asString(required(name), path);
		try {
			return Base64.getDecoder().decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEvent(ProtocolError.INVALID_BASE64,
					"Invalid '" + path + "': expected base64-encoded audio bytes, but got an invalid value.", path);
		}
	}

	byte @Nullable [] optBase64(String name) {
		return (present(name) != null) ? base64(name) : null;
	}

	static String asString(JsonNode value, String path) {
		if (!value.isString()) {
			throw InvalidEvent.wrongType(path, "a string", describe(value));
		}
		return value.stringValue();
	}

	static <E> E asChoice(String value, String path, Map<String, E> choices) {
		E choice = choices.get(value);
		if (choice == null) {
			throw InvalidEvent.invalidValue(path, value, choices.keySet());
		}
		return choice;
	}

	/**
	 * Reads an integer. A decimal with nothing after the point ({@code 1500.0}) passes, because
	 * Python clients that compute milliseconds with floats send those; {@code 1500.5} does not,
	 * which is where OpenAI draws the line too.
	 */
	static long asInteger(JsonNode value, String path, long minimum, long maximum) {
		if (!value.isNumber() || !value.canConvertToExactIntegral()) {
			throw InvalidEvent.wrongType(path, "an integer", describe(value));
		}
		if (!value.canConvertToLong()) {
			throw value.decimalValue().signum() < 0 ? InvalidEvent.belowMinimum(path, true, minimum, value.numberValue())
					: InvalidEvent.aboveMaximum(path, true, maximum, value.numberValue());
		}
		long number = value.longValue();
		if (number < minimum) {
			throw InvalidEvent.belowMinimum(path, true, minimum, number);
		}
		if (number > maximum) {
			throw InvalidEvent.aboveMaximum(path, true, maximum, number);
		}
		return number;
	}

	/** Wire names to values, in declaration order so that error messages list them in that order. */
	static <E> Map<String, E> choicesOf(E[] values, Function<E, String> wireName) {
		Map<String, E> choices = new LinkedHashMap<>();
		for (E value : values) {
			choices.put(wireName.apply(value), value);
		}
		return Collections.unmodifiableMap(choices);
	}

	/** Wire names that stand for themselves, in the order given. */
	static Map<String, String> choicesOf(String... names) {
		return choicesOf(names, Function.identity());
	}

	/** The JSON type of {@code value} with its article, as OpenAI's messages put it. */
	static String describe(JsonNode value) {
		return switch (value.getNodeType()) {
			case OBJECT, POJO -> "an object";
			case ARRAY -> "an array";
			case STRING -> "a string";
			case NUMBER -> value.isIntegralNumber() ? "an integer" : "a decimal number";
			case BOOLEAN -> "a boolean";
			case NULL, MISSING -> "null";
			case BINARY -> "binary data";
		};
	}

}
