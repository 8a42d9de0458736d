package io.duplex.session.node;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a session node holds its lease, the proof in PostgreSQL that it is alive.
 * @param nodeHeartbeat how often a session node renews its lease
 * @param nodeLease how long after its last renewal a node's lease lapses: then the node is taken
 * for dead and any other node adopts its sessions (resumable for {@code resume-grace}, then ended
 * as {@code node_lost}); at least twice {@code nodeHeartbeat}, so one late renewal does not lose it
 */
@Validated
@ConfigurationProperties("duplex.sessions")
public record NodeLeaseProperties(@DefaultValue("2s") Duration nodeHeartbeat, @DefaultValue("10s") Duration nodeLease) {

	public NodeLeaseProperties {
		if (nodeHeartbeat.toMillis() <= 0) {
			throw new IllegalArgumentException("duplex.sessions.node-heartbeat must be positive");
		}
		if (nodeLease.compareTo(nodeHeartbeat.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("duplex.sessions.node-lease must be at least twice "
					+ "duplex.sessions.node-heartbeat, so one late renewal does not lose the lease");
		}
	}

}
