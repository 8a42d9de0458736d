package io.duplex.api.secret;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** The shape every stored provider API key must have, wherever it is written. */
public final class ProviderApiKeys {

	/** Printable ASCII without spaces: the key goes into an HTTP header as it is. */
	private static final Pattern SHAPE = Pattern.compile("[\\x21-\\x7E]+");

	private static final int MAX_LENGTH = 4096;

	private ProviderApiKeys() {
	}

	/**
	 * What is wrong with {@code key}, for a validation message that never quotes it; {@code null}
	 * when it is fine.
	 */
	public static @Nullable String problem(String key) {
		if (key.isEmpty()) {
			return "must not be empty";
		}
		if (key.length() > MAX_LENGTH) {
			return "must be at most " + MAX_LENGTH + " characters";
		}
		return SHAPE.matcher(key).matches() ? null : "must be printable ASCII without spaces";
	}

}
