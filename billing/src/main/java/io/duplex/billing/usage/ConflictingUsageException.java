package io.duplex.billing.usage;

import java.util.List;

/** A batch repeats recorded idempotency keys with different bodies; nothing of it was stored. */
class ConflictingUsageException extends RuntimeException {

	private final List<String> keys;

	ConflictingUsageException(List<String> keys) {
		super("Usage events repeat recorded idempotency keys with a different body: " + keys);
		this.keys = List.copyOf(keys);
	}

	List<String> keys() {
		return this.keys;
	}

}
