/**
 * Admission control: a new session needs a free slot in its tenant's quota and in its compute pool,
 * and a session that never connects gives its slot back at its connect deadline.
 */
@NullMarked
package io.duplex.session.admission;

import org.jspecify.annotations.NullMarked;
