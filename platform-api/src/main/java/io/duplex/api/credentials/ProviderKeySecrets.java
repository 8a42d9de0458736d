package io.duplex.api.credentials;

import org.springframework.stereotype.Component;

import io.duplex.api.secret.SecretBox;
import io.duplex.api.secret.SecretStore;
import reactor.core.publisher.Mono;

/** Tenants' sealed provider keys, for re-encryption across every tenant. */
@Component
class ProviderKeySecrets implements SecretStore {

	private final ProviderKeyRepository keys;

	ProviderKeySecrets(ProviderKeyRepository keys) {
		this.keys = keys;
	}

	@Override
	public String name() {
		return "tenant_provider_key";
	}

	@Override
	public Mono<Long> reEncrypt(SecretBox box) {
		String current = box.currentKeyId();
		if (current == null) {
			return Mono.just(0L);
		}
		return this.keys.notSealedWith(current)
			.collectList()
			.flatMapIterable((keys) -> keys)
			.concatMap((key) -> this.keys.swap(key, box.reseal(key.key(), key.context())))
			.filter(Boolean::booleanValue)
			.count();
	}

}
