package io.duplex.core.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of metadata tags on agents and sessions (they travel into usage and reports): at
 * most {@value #MAX_KEYS} string pairs, keys of 1 to 64 characters, values of at most 512.
 */
public final class MetadataRules {

	public static final int MAX_KEYS = 16;

	private MetadataRules() {
	}

	/**
	 * The pairs to keep, in the client's order; keys with a {@code null} value are left out, as
	 * a merge patch removes them. Each broken rule is added to {@code errors}.
	 */
	public static Map<String, String> check(Map<String, String> requested, List<FieldError> errors) {
		Map<String, String> metadata = new LinkedHashMap<>();
		requested.forEach((key, value) -> {
			if (value == null) {
				return;
			}
			if (key.isEmpty() || key.length() > 64) {
				errors.add(new FieldError("metadata", "keys must be 1 to 64 characters"));
			}
			else if (value.length() > 512) {
				errors.add(new FieldError("metadata." + key, "must be at most 512 characters"));
			}
			metadata.put(key, value);
		});
		if (metadata.size() > MAX_KEYS) {
			errors.add(new FieldError("metadata", "must have at most " + MAX_KEYS + " keys"));
		}
		return metadata;
	}

}
