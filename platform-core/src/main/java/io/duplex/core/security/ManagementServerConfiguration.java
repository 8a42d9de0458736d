package io.duplex.core.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Beans of the management server's own context, which exists only when
 * {@code management.server.port} differs from the API port. Its one filter marks every request
 * that server received, so that {@link SecurityConfiguration} (whose filter chain both servers run)
 * can leave the actuator public there and not on the API port. The mark is set by the server that
 * took the connection, never from anything in the request, so no header can fake it (the
 * request's "local address" can be: Reactor Netty takes it from {@code Host} and forwarded
 * headers).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ManagementServerConfiguration {

	@Bean
	WebFilter managementServerMark() {
		return new ManagementServerMark();
	}

	@Bean
	ManagementServerAddress managementServerAddress(Environment environment) {
		return new ManagementServerAddress(environment);
	}

	/**
	 * Binds the management server where the API binds ({@code server.address}, loopback by default)
	 * unless {@code management.server.address} is set: left to Spring Boot it would bind every
	 * interface, and a port opened for a local scraper would face the network.
	 */
	static final class ManagementServerAddress implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

		private final Environment environment;

		ManagementServerAddress(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void customize(ConfigurableWebServerFactory factory) {
			String address = this.environment.getProperty("management.server.address");
			if (address == null || address.isBlank()) {
				address = this.environment.getProperty("server.address");
			}
			if (address != null && !address.isBlank()) {
				try {
					factory.setAddress(InetAddress.getByName(address.strip()));
				}
				catch (UnknownHostException ex) {
					throw new IllegalStateException("Not an address to bind the management server to: " + address, ex);
				}
			}
		}

		/** After Spring Boot's own management customizer (order 0), which sets the address it is given. */
		@Override
		public int getOrder() {
			return 1;
		}

	}

	/** Runs before every other filter, the security chain included. */
	static final class ManagementServerMark implements WebFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			exchange.getAttributes().put(SecurityConfiguration.MANAGEMENT_SERVER_ATTRIBUTE, Boolean.TRUE);
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
