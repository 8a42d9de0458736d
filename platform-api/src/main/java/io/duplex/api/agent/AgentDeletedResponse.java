package io.duplex.api.agent;

/** The answer to deleting an agent, shaped like OpenAI's deletion answers. */
record AgentDeletedResponse(String id, String object, boolean deleted) {

	static AgentDeletedResponse of(String id) {
		return new AgentDeletedResponse(id, "agent.deleted", true);
	}

}
