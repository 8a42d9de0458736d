package io.duplex.api.catalog;

import org.jspecify.annotations.Nullable;

/**
 * A region as an admin writes it (and as {@code catalog.yaml} lists it); missing fields are
 * reported by {@link CatalogValidator}.
 * @param id required on create; on replace it may be left out, and must match the path if given
 * @param name display name
 * @param status {@code available} (default) or {@code unavailable}
 */
record RegionDefinition(@Nullable String id, @Nullable String name, @Nullable String status) {

	Region toRegion(String id) {
		return new Region(id, this.name.strip(), (this.status != null) ? this.status : Region.AVAILABLE);
	}

}
