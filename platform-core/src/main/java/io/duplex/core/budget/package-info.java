/** The budget port: whether a tenant's (or an agent's) hard-capped monthly budget still allows usage. */
@NullMarked
package io.duplex.core.budget;

import org.jspecify.annotations.NullMarked;
