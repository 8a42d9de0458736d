package io.duplex.api.agent;

import tools.jackson.core.JacksonException;

/** Names the field a Jackson binding error is about, in the wire form of validation problems. */
final class JsonPaths {

	private JsonPaths() {
	}

	/** {@code tools[0].parameters} for a path of property {@code tools}, index 0, property {@code parameters}. */
	static String of(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "body" : path.toString();
	}

}
