/**
 * Price books and rating: which unit price was in force for a tenant, model and metric at an
 * instant, and what usage costs under it, computed exactly and rounded once per line.
 */
@NullMarked
package io.duplex.billing.pricing;

import org.jspecify.annotations.NullMarked;
