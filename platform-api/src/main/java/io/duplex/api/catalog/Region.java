package io.duplex.api.catalog;

/**
 * A region agents are placed in and sessions run in.
 * @param id e.g. {@code us-east}
 * @param name display name, e.g. {@code US East (N. Virginia)}
 * @param status {@code available} or {@code unavailable}
 */
public record Region(String id, String name, String status) {

	public static final String AVAILABLE = "available";

	public static final String UNAVAILABLE = "unavailable";

}
