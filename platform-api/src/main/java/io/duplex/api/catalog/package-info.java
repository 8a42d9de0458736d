/**
 * The catalog: regions, compute pools and models, and where each model's inference runs (its
 * upstream endpoints, per compute pool where they differ, API keys sealed). Platform-wide data,
 * not tenant-scoped, seeded from {@code catalog.yaml} and edited by platform admins; other
 * features look entries up through {@link io.duplex.api.catalog.Catalog}.
 */
@NullMarked
package io.duplex.api.catalog;

import org.jspecify.annotations.NullMarked;
