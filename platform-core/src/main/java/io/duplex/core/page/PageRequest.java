package io.duplex.core.page;

import org.jspecify.annotations.Nullable;

import io.duplex.core.web.Problems;

/**
 * A cursor page request: at most {@code limit} items that come after the item {@code after} in
 * the listing order (newest first). Ids are time-ordered, so the cursor is simply an id.
 * @param limit how many items to return, 1 to 100
 * @param after the id of the last item of the previous page; {@code null} for the first page
 */
public record PageRequest(int limit, @Nullable String after) {

	public static final int DEFAULT_LIMIT = 20;

	public static final int MAX_LIMIT = 100;

	/** Validates the query parameters {@code limit} and {@code after}; bad ones answer 422. */
	public static PageRequest of(@Nullable Integer limit, @Nullable String after) {
		int size = (limit != null) ? limit : DEFAULT_LIMIT;
		if (size < 1 || size > MAX_LIMIT) {
			throw Problems.validation("limit", "must be between 1 and " + MAX_LIMIT);
		}
		if (after != null && (after.isBlank() || after.length() > 64)) {
			throw Problems.validation("after", "must be the id of an item of the previous page");
		}
		return new PageRequest(size, after);
	}

	/** How many rows to fetch: one more than asked, to learn whether another page exists. */
	public int fetchSize() {
		return this.limit + 1;
	}

	/** The cursor for SQL comparisons: ids sort after every real id when there is none. */
	public String cursorOrMax() {
		return (this.after != null) ? this.after : "\uffff";
	}

}
