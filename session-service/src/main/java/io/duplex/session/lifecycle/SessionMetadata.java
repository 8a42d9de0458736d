package io.duplex.session.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.duplex.core.agent.AgentSnapshot;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.MetadataRules;
import io.duplex.core.web.Problems;

/**
 * A session's metadata: string pairs, with the rules of an agent's metadata (at most
 * {@value MetadataRules#MAX_KEYS} keys of 1 to 64 characters, values of at most 512), laid over the agent's
 * metadata tags so that usage carries both.
 */
final class SessionMetadata {

	private SessionMetadata() {
	}

	/**
	 * Checks the request's metadata; keys with a {@code null} value are left out, as for agents.
	 * Errors with 422 naming the first bad field.
	 */
	static Map<String, String> validate(Map<String, String> requested) {
		List<FieldError> errors = new ArrayList<>();
		Map<String, String> metadata = MetadataRules.check(requested, errors);
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
		return metadata;
	}

	/** The agent's metadata with {@code session}'s pairs over it. */
	static Map<String, String> merge(AgentSnapshot agent, Map<String, String> session) {
		Map<String, String> merged = new LinkedHashMap<>(agent.config().metadata());
		merged.putAll(session);
		return merged;
	}

}
