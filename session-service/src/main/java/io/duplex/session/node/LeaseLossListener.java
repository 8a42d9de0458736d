package io.duplex.session.node;

import reactor.core.publisher.Mono;

/**
 * Told when this node finds its lease lost (it could not renew it in time, e.g. after a long pause
 * or a database outage): another node may have adopted its sessions, so the node must stop running
 * them, without writing over what another node made of them.
 */
public interface LeaseLossListener {

	/**
	 * Stops everything that ran under the lost lease.
	 * @return completes once it is stopped; the node takes a lease again only after that
	 */
	Mono<Void> leaseLost();

}
