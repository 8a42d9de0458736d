package io.duplex.api.catalog;

/** A region on the wire. */
record RegionResponse(String id, String object, String name, String status) {

	static RegionResponse from(Region region) {
		return new RegionResponse(region.id(), "region", region.name(), region.status());
	}

}
