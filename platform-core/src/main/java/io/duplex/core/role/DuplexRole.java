package io.duplex.core.role;

/**
 * The parts of Duplex one process can run ({@code duplex.roles}, all by default): the same
 * image runs as the whole platform on a laptop or as separately scaled deployments.
 */
public enum DuplexRole {

	/** The control-plane REST API. */
	API,
	/** The realtime gateway and live sessions. */
	SESSION,
	/** Rating, rollups, budgets and exports. */
	BILLING

}
