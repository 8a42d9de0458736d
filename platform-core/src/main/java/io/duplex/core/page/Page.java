package io.duplex.core.page;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A page of a list, shaped like OpenAI's lists so existing clients page through it unchanged.
 * @param object always {@code list}
 * @param data the items, newest first
 * @param hasMore whether a request with {@code after=lastId} would return more
 * @param firstId id of the first item, or {@code null} when empty
 * @param lastId id of the last item: pass it as {@code after} for the next page
 */
public record Page<T>(String object, List<T> data, boolean hasMore, @Nullable String firstId,
		@Nullable String lastId) {

	/**
	 * Builds a page from rows fetched with {@link PageRequest#fetchSize()}: the extra row, if
	 * present, only says that there is more.
	 */
	public static <T> Page<T> of(List<T> fetched, PageRequest request, Function<T, String> id) {
		boolean more = fetched.size() > request.limit();
		List<T> data = more ? List.copyOf(fetched.subList(0, request.limit())) : List.copyOf(fetched);
		return new Page<>("list", data, more, data.isEmpty() ? null : id.apply(data.get(0)),
				data.isEmpty() ? null : id.apply(data.get(data.size() - 1)));
	}

	public <R> Page<R> map(Function<T, R> mapper) {
		return new Page<>(this.object, this.data.stream().map(mapper).toList(), this.hasMore, this.firstId,
				this.lastId);
	}

}
