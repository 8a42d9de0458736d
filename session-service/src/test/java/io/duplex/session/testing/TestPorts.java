package io.duplex.session.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.publisher.Mono;

import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.catalog.ModelInfo;
import io.duplex.core.catalog.ModelUpstream;
import io.duplex.core.catalog.PoolInfo;
import io.duplex.core.tenant.TenantCredentials;
import io.duplex.session.provider.BreakerProperties;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.provider.Upstreams;

/** In-test implementations of the catalog and tenant-credential ports the control plane implements. */
public final class TestPorts {

	private TestPorts() {
	}

	/** A catalog whose upstream for every model is what the test sets; it records what was asked. */
	public static final class Catalog implements ModelCatalog {

		public volatile ModelUpstream upstream = ModelUpstream.NONE;

		public final List<String> asked = new CopyOnWriteArrayList<>();

		@Override
		public Mono<ModelInfo> findModel(String id) {
			return Mono.empty();
		}

		@Override
		public Mono<PoolInfo> findPool(String region, String id) {
			return Mono.empty();
		}

		@Override
		public Mono<ModelUpstream> findUpstream(String modelId, String region, String compute) {
			this.asked.add(modelId + "@" + region + "/" + compute);
			return Mono.just(this.upstream);
		}

	}

	/** Tenants' own keys by tenant and provider. */
	public static final class Credentials implements TenantCredentials {

		public final Map<String, String> keys = new ConcurrentHashMap<>();

		@Override
		public Mono<String> providerKey(String tenantId, String provider) {
			return Mono.justOrEmpty(this.keys.get(tenantId + "/" + provider));
		}

	}

	public static UpstreamBreakers breakers() {
		return new UpstreamBreakers(new BreakerProperties(50, 10, 5, Duration.ofSeconds(30), 2));
	}

	public static Upstreams upstreams(Catalog catalog, Credentials credentials) {
		return new Upstreams(catalog, credentials);
	}

}
