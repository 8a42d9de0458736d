package io.duplex.session.gateway;

import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.CallerResolver;
import io.duplex.core.web.ProblemWriter;
import io.duplex.session.engine.EngineServices;
import io.duplex.session.engine.SessionLimits;
import io.duplex.session.node.NodeLease;
import io.duplex.session.lifecycle.Sessions;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

/** The realtime socket at {@code /v1/realtime}, on processes with the {@code session} role. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(DuplexRole.SESSION)
class GatewayConfiguration {

	@Bean
	OpenConnections openConnections() {
		return new OpenConnections();
	}

	@Bean
	ResumeGuard resumeGuard(ResumeGuardSettings settings) {
		return new ResumeGuard(settings);
	}

	@Bean
	LiveSessionRegistry liveSessionRegistry(MeterRegistry meters, EngineServices services) {
		return new LiveSessionRegistry(meters, services.nodeId());
	}

	/**
	 * {@code /v1/realtime}: authenticate, then upgrade. Frames up to {@code duplex.sessions.max-frame-size}
	 * (16 MiB) are read, so an event over the protocol's 15 MiB is answered with an {@code error}
	 * event; a larger frame is refused by the WebSocket layer from its header (close 1009), before
	 * any of it is buffered, and a message of fragments is refused once they add up to more.
	 */
	@Bean
	HandlerMapping realtimeHandlerMapping(Sessions sessions, List<CallerResolver> callers, JsonMapper json,
			EngineServices services, LiveSessionRegistry registry, NodeLease lease, SessionLimits limits,
			OpenConnections connections, ResumeGuard resumeGuard, MeterRegistry meters) {
		int maxFrame = (int) Math.min(Integer.MAX_VALUE, limits.maxFrameSize().toBytes());
		WebSocketService upgrade = new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
				() -> WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame)));
		RealtimeHandshake endpoint = new RealtimeHandshake(sessions, callers, new ProblemWriter(json), upgrade,
				new RealtimeSocketHandler(services, registry, connections, limits.outboundGrace()), registry, lease,
				resumeGuard, meters);
		return new SimpleUrlHandlerMapping(Map.of(RealtimeHandshake.PATH, endpoint), -1);
	}

}
