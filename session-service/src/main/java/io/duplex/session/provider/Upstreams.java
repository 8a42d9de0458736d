package io.duplex.session.provider;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.catalog.ModelUpstream;
import io.duplex.core.tenant.TenantCredentials;

/**
 * Finds where a session's model runs and with which key: the catalog's endpoints for the model in
 * the session's region and compute pool (falling back, stage by stage, to the provider's
 * configuration), and the key by precedence: the tenant's own key for the provider, else the
 * catalog endpoint's, else the configured one.
 */
@Component
public class Upstreams {

	private final ModelCatalog catalog;

	private final @Nullable TenantCredentials credentials;

	@Autowired
	Upstreams(ModelCatalog catalog, ObjectProvider<TenantCredentials> credentials) {
		this(catalog, credentials.getIfAvailable());
	}

	/** Without {@code credentials}, tenants cannot bring their own keys. */
	public Upstreams(ModelCatalog catalog, @Nullable TenantCredentials credentials) {
		this.catalog = catalog;
		this.credentials = credentials;
	}

	/**
	 * The catalog's endpoints for the session's model and the tenant's own key for {@code provider}.
	 * @return never empty; an error when the catalog or the tenant's keys cannot be read (no
	 * fallback to the platform's key then: a tenant that brought its own expects it to be used)
	 */
	public Mono<Resolved> resolve(String provider, ProviderSettings settings) {
		return resolve(provider, settings.placement(), settings.model().id());
	}

	/** {@link #resolve(String, ProviderSettings)} for {@code modelId} placed at {@code placement}. */
	public Mono<Resolved> resolve(String provider, Placement placement, String modelId) {
		Mono<ModelUpstream> upstream = this.catalog
			.findUpstream(modelId, placement.region(), placement.compute())
			.defaultIfEmpty(ModelUpstream.NONE);
		Mono<Optional<String>> tenantKey = (this.credentials != null)
				? this.credentials.providerKey(placement.tenantId(), provider).map(Optional::of).defaultIfEmpty(Optional.empty())
				: Mono.just(Optional.empty());
		return Mono.zip(upstream, tenantKey, (found, key) -> new Resolved(found, key.filter((k) -> !k.isBlank()).orElse(null)));
	}

	/**
	 * A session's upstream.
	 * @param catalog the catalog's endpoints ({@link ModelUpstream#NONE} when it sets none)
	 * @param tenantKey the tenant's own key; never logged
	 */
	public record Resolved(ModelUpstream catalog, @Nullable String tenantKey) {

		/**
		 * The endpoint of one stage: the catalog's when it sets one, else {@code configured}, with
		 * the key that applies.
		 */
		public Endpoint endpoint(@Nullable Endpoint fromCatalog, Endpoint configured) {
			Endpoint chosen = (fromCatalog != null) ? fromCatalog : configured;
			String key = (this.tenantKey != null) ? this.tenantKey
					: (chosen.apiKey() != null) ? chosen.apiKey() : configured.apiKey();
			return chosen.withApiKey(key);
		}

		/** Keeps the key out of logs. */
		@Override
		public String toString() {
			return "Resolved[catalog=" + this.catalog + ", tenantKey=" + ((this.tenantKey != null) ? "(set)" : "(none)")
					+ "]";
		}

	}

}
