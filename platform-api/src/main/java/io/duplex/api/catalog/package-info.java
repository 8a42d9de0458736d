/**
 * The catalog: regions, compute pools and models. Platform-wide data, not tenant-scoped, seeded
 * from {@code catalog.yaml} and edited by platform admins; other features look entries up through
 * {@link io.duplex.api.catalog.Catalog}.
 */
@NullMarked
package io.duplex.api.catalog;

import org.jspecify.annotations.NullMarked;
