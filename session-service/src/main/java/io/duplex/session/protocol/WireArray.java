package io.duplex.session.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** A JSON array inside a client event, read with its path so that elements are named {@code tools[2]}. */
final class WireArray {

	private final ArrayNode node;

	private final String path;

	private WireArray(ArrayNode node, String path) {
		this.node = node;
		this.path = path;
	}

	static WireArray at(JsonNode value, String path) {
		if (!(value instanceof ArrayNode array)) {
			throw InvalidEvent.wrongType(path, "an array", WireObject.describe(value));
		}
		return new WireArray(array, path);
	}

	int size() {
		return this.node.size();
	}

	String pathOf(int index) {
		return this.path + "[" + index + "]";
	}

	WireObject object(int index) {
		return WireObject.at(this.node.get(index), pathOf(index));
	}

	String string(int index) {
		return WireObject.asString(this.node.get(index), pathOf(index));
	}

	/** Every element read as an object and mapped; the list is unmodifiable. */
	<T> List<T> objects(Function<WireObject, T> reader) {
		List<T> values = new ArrayList<>(size());
		for (int i = 0; i < size(); i++) {
			values.add(reader.apply(object(i)));
		}
		return List.copyOf(values);
	}

	/** Every element read as a string that must be one of {@code choices}' keys. */
	<E> List<E> choices(Map<String, E> choices) {
		List<E> values = new ArrayList<>(size());
		for (int i = 0; i < size(); i++) {
			values.add(WireObject.asChoice(string(i), pathOf(i), choices));
		}
		return List.copyOf(values);
	}

	/** Every element read as a string; the list is unmodifiable. */
	List<String> strings() {
		List<String> values = new ArrayList<>(size());
		for (int i = 0; i < size(); i++) {
			values.add(string(i));
		}
		return List.copyOf(values);
	}

}
