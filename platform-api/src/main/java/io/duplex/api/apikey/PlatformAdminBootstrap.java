package io.duplex.api.apikey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.schema.SchemaMigrations;
import io.duplex.core.security.Role;
import reactor.core.publisher.Mono;

/**
 * On the very first start against a database, creates the platform admin key and prints it,
 * once: later starts find a platform admin key and say nothing. A revoked one counts too, so a
 * bootstrap key rotated away ({@code /v1/admin/api_keys}) is never made again, even while
 * {@code DUPLEX_BOOTSTRAP_ADMIN_KEY} still names it: the start then only warns that the variable
 * names a revoked key. Concurrent first starts of several nodes are serialised by an advisory
 * lock, so exactly one key is made.
 */
@Component
class PlatformAdminBootstrap implements SmartInitializingSingleton {

	/** Where the key is printed; operators can route this logger on its own. */
	private static final Logger banner = LoggerFactory.getLogger("duplex.bootstrap");

	private final ApiKeyRepository keys;

	private final TransactionalOperator tx;

	private final String configuredKey;

	PlatformAdminBootstrap(ApiKeyRepository keys, TransactionalOperator tx,
			BootstrapProperties properties, Environment environment, SchemaMigrations migrated) {
		this.keys = keys;
		this.tx = tx;
		String fromEnvironment = environment.getProperty("DUPLEX_BOOTSTRAP_ADMIN_KEY");
		this.configuredKey = (properties.adminKey() != null) ? properties.adminKey()
				: (fromEnvironment != null) ? fromEnvironment : "";
	}

	/** Runs before the web server opens its port, so the key works from the first request. */
	@Override
	public void afterSingletonsInstantiated() {
		if (!this.configuredKey.isEmpty() && !ApiKeySecrets.plausible(this.configuredKey)) {
			throw new IllegalStateException("DUPLEX_BOOTSTRAP_ADMIN_KEY must be 32 to 256 characters long");
		}
		// runs once on the main thread during start-up, before the platform reports ready
		bootstrap().block();
	}

	Mono<Void> bootstrap() {
		return this.keys.lockPlatformAdmins()
			.then(this.keys.platformAdminExists())
			.flatMap((exists) -> exists ? warnIfConfiguredKeyIsRevoked().then(Mono.<String>empty()) : createKey())
			.as(this.tx::transactional)
			.doOnNext(this::announce)
			.then();
	}

	/** A configured key that was rotated away stays revoked; say so, so the variable can go. */
	private Mono<Void> warnIfConfiguredKeyIsRevoked() {
		if (this.configuredKey.isEmpty()) {
			return Mono.empty();
		}
		return this.keys.findByPrefix(ApiKeySecrets.prefixOf(this.configuredKey))
			.filter((key) -> key.revoked() && ApiKeySecrets.matches(this.configuredKey, key.secretHash()))
			.doOnNext((key) -> banner.warn("DUPLEX_BOOTSTRAP_ADMIN_KEY names the platform admin key {} ({}), which was "
					+ "revoked at {}; it stays revoked and is not made again. Remove the setting.", key.id(), key.prefix(),
					key.revokedAt()))
			.then();
	}

	private Mono<String> createKey() {
		String secret = this.configuredKey.isEmpty() ? ApiKeySecrets.newSecret() : this.configuredKey;
		return this.keys.insert(ApiKeyService.newKey(null, "bootstrap", Role.PLATFORM_ADMIN, secret)).thenReturn(secret);
	}

	private void announce(String secret) {
		boolean generated = this.configuredKey.isEmpty();
		banner.warn("""

				==================================================================================
				 Duplex created its first platform admin API key. It is shown this once only:

				   {}

				 Keep it somewhere safe; it cannot be displayed again.
				==================================================================================""",
				generated ? secret : "(the value of DUPLEX_BOOTSTRAP_ADMIN_KEY)");
	}

}
