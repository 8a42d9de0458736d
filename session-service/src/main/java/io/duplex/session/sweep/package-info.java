/**
 * What every session node runs in the background over the stored sessions: ending detached ones
 * whose grace is over, adopting the sessions of dead nodes, and ending the sessions asked to stop
 * from outside (a suspended tenant, a revoked key, a deleted agent, a used-up budget).
 */
@NullMarked
package io.duplex.session.sweep;

import org.jspecify.annotations.NullMarked;
