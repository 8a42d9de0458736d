package io.duplex.api.catalog;

import org.springframework.stereotype.Component;

import io.duplex.api.secret.SecretBox;
import io.duplex.api.secret.SecretStore;
import reactor.core.publisher.Mono;

/** The catalog's sealed secrets: the API keys of models' endpoints. */
@Component
class CatalogSecrets implements SecretStore {

	private final CatalogRepository repository;

	CatalogSecrets(CatalogRepository repository) {
		this.repository = repository;
	}

	@Override
	public String name() {
		return "model_endpoint";
	}

	@Override
	public Mono<Long> reEncrypt(SecretBox box) {
		String current = box.currentKeyId();
		if (current == null) {
			return Mono.just(0L);
		}
		return this.repository.endpointsNotSealedWith(current)
			.collectList()
			.flatMapIterable((endpoints) -> endpoints)
			.concatMap((endpoint) -> this.repository.swapKey(endpoint, box.reseal(endpoint.apiKey(), endpoint.context())))
			.filter(Boolean::booleanValue)
			.count();
	}

}
