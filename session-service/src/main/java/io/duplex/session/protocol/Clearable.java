package io.duplex.session.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A session setting that a {@code session.update} either sets or clears with JSON {@code null}
 * ({@code "turn_detection": null} turns detection off). Where a member holds no
 * {@code Clearable} at all, the update left it alone.
 * @param value the new setting, or null when the client cleared it
 */
public record Clearable<T>(@Nullable T value) {

	private static final Clearable<?> CLEARED = new Clearable<>(null);

	public static <T> Clearable<T> of(T value) {
		return new Clearable<>(value);
	}

	@SuppressWarnings("unchecked")
	public static <T> Clearable<T> cleared() {
		return (Clearable<T>) CLEARED;
	}

	public boolean isCleared() {
		return this.value == null;
	}

}
