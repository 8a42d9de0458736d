package io.duplex.api.catalog;

import java.util.List;

/** A model with its upstream endpoints, as platform admins edit and see it. */
record ModelEntry(Model model, List<ModelEndpoint> endpoints) {

	ModelEntry {
		endpoints = List.copyOf(endpoints);
	}

	ModelResponse response() {
		return ModelResponse.from(this.model, this.endpoints);
	}

}
