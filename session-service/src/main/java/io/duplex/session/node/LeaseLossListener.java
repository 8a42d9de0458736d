package io.duplex.session.node;

import reactor.core.publisher.Mono;

/**
 * Told when this node finds its lease lost: another node adopted its sessions (after a long pause
 * of this node, or while it was cut off from the database), so the node must stop running them,
 * without writing over what the other node made of them.
 */
public interface LeaseLossListener {

	/**
	 * Stops everything that ran under the lost lease.
	 * @return completes once it is stopped; the node takes a lease again only after that
	 */
	Mono<Void> leaseLost();

}
