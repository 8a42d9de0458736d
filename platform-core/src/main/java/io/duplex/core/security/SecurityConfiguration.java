package io.duplex.core.security;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

import io.duplex.core.web.ProblemWriter;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer authentication for {@code /v1/**}: each {@link CallerResolver} is asked in turn, and the
 * first that knows the token names the {@link Caller}. Health, the OpenAPI document and the
 * console's static files stay public. Metrics ({@code /actuator/prometheus}) are public only on a
 * management server of their own ({@code management.server.port}, as the Helm chart sets it);
 * on the API port they need a platform admin key. Nothing is kept between requests, so a revoked
 * key or a suspended tenant is refused on the very next request.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

	/**
	 * The realtime socket's path. Its handshake authenticates the caller itself: besides API keys it
	 * takes client secrets ({@code ek_…}), as {@code Authorization: Bearer} (OpenAI's SDKs on a
	 * server or a phone) or as a subprotocol (browsers), and resume tokens. The bearer filter
	 * therefore never looks at it: it knows API keys only, and would refuse a client secret before
	 * the handshake sees it.
	 */
	static final String REALTIME_PATH = "/v1/realtime";

	/**
	 * Paths the filter chain lets through. Everything else under {@code /v1} needs a credential.
	 * The realtime socket authenticates itself, because browsers can only send their client secret
	 * as a WebSocket subprotocol and a refused socket must be answered in the protocol's own way.
	 */
	static final String[] PUBLIC_PATHS = { "/actuator/health", "/actuator/health/**", "/actuator/info",
			"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/webjars/**", REALTIME_PATH };

	/** Metrics: the platform's traffic and internals, which are not the API callers' business. */
	static final String PROMETHEUS_PATH = "/actuator/prometheus";

	/**
	 * Set on every request the separate management server received (see
	 * {@link ManagementServerConfiguration}); absent on the API port.
	 */
	static final String MANAGEMENT_SERVER_ATTRIBUTE = SecurityConfiguration.class.getName() + ".managementServer";

	@Bean
	SecurityWebFilterChain duplexSecurityChain(ServerHttpSecurity http, ReactiveAuthenticationManager callers,
			JsonMapper json) {
		ProblemWriter problems = new ProblemWriter(json);
		AuthenticationWebFilter bearer = new AuthenticationWebFilter(callers);
		bearer.setServerAuthenticationConverter((exchange) -> Mono
			.justOrEmpty(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
			.filter((header) -> header.regionMatches(true, 0, "Bearer ", 0, 7))
			.map((header) -> new BearerToken(header.substring(7).trim())));
		bearer.setAuthenticationFailureHandler((webFilterExchange, ex) -> problems.write(webFilterExchange.getExchange(),
				Problems.unauthorized("The API key is unknown, revoked, or belongs to a suspended tenant.")));
		bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		bearer.setRequiresAuthenticationMatcher(
				new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers(REALTIME_PATH)));
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
			.authorizeExchange((exchanges) -> exchanges.matchers(SecurityConfiguration::onManagementServer)
				.permitAll()
				.pathMatchers(PUBLIC_PATHS)
				.permitAll()
				.pathMatchers(PROMETHEUS_PATH)
				.hasRole(Role.PLATFORM_ADMIN.name())
				.pathMatchers("/v1/**")
				.authenticated()
				.anyExchange()
				.permitAll())
			.exceptionHandling((handling) -> handling
				.authenticationEntryPoint((exchange, ex) -> problems.write(exchange,
						Problems.unauthorized("Send an API key as 'Authorization: Bearer <key>'.")))
				.accessDeniedHandler((exchange, ex) -> problems.write(exchange,
						Problems.forbidden("This credential may not do this."))))
			.build();
	}

	/**
	 * Whether the separate management server took the request: it serves the actuator only, to
	 * the cluster's probes and scrapers, and needs no key.
	 */
	private static Mono<ServerWebExchangeMatcher.MatchResult> onManagementServer(ServerWebExchange exchange) {
		return Boolean.TRUE.equals(exchange.getAttribute(MANAGEMENT_SERVER_ATTRIBUTE))
				? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
	}

	/** Being a bean also stops Spring Boot from making an in-memory user with a generated password. */
	@Bean
	ReactiveAuthenticationManager callerAuthenticationManager(List<CallerResolver> resolvers) {
		return (authentication) -> {
			String token = (String) authentication.getCredentials();
			return Flux.fromIterable(resolvers)
				.concatMap((resolver) -> resolver.resolve(token))
				.next()
				.<org.springframework.security.core.Authentication>map(CallerAuthentication::new)
				.switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown credential")));
		};
	}

}
