/**
 * Node leases: each session node holds a heartbeat row in {@code realtime.node_lease}, renewed
 * every {@code duplex.sessions.node-heartbeat} and lapsing after {@code duplex.sessions.node-lease}
 * on the database's clock. A node whose lease lapsed while the database was up is taken for dead:
 * the session module adopts its sessions. A node that finds its own lease adopted stops its
 * sessions without writing over what another node made of them, and takes a new lease.
 */
@NullMarked
package io.duplex.session.node;

import org.jspecify.annotations.NullMarked;
