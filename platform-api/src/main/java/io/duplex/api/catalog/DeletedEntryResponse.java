package io.duplex.api.catalog;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to deleting a catalog entry, shaped like OpenAI's deletion answers.
 * @param region present for a compute pool only
 */
record DeletedEntryResponse(String id, String object, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String region,
		boolean deleted) {

	static DeletedEntryResponse of(String object, String id) {
		return new DeletedEntryResponse(id, object, null, true);
	}

	static DeletedEntryResponse pool(String region, String id) {
		return new DeletedEntryResponse(id, "compute_pool", region, true);
	}

}
