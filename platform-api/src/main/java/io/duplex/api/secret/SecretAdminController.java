package io.duplex.api.secret;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/admin/secrets/re_encrypt}: after the current secrets key changed, re-seals every
 * stored secret with it, so the old key can then leave the ring. Platform admins only; safe to
 * repeat, and a no-op when everything is under the current key already.
 */
@RestController
@RequestMapping("/v1/admin/secrets")
@ConditionalOnRole(DuplexRole.API)
@Tag(name = "Secrets administration")
class SecretAdminController {

	private final SecretBox box;

	private final List<SecretStore> stores;

	private final AuditTrail audit;

	SecretAdminController(SecretBox box, List<SecretStore> stores, AuditTrail audit) {
		this.box = box;
		this.stores = stores;
		this.audit = audit;
	}

	/**
	 * What a re-encryption did.
	 * @param currentKey the id of the key everything is now sealed with; {@code null} when no key is
	 * configured (and so nothing is stored)
	 * @param reEncrypted secrets re-sealed, by store
	 */
	record ReEncryptionResponse(String object, @Nullable String currentKey, Map<String, Long> reEncrypted) {
	}

	@PostMapping("/re_encrypt")
	@Operation(summary = "Re-seal every stored secret with the current secrets key (platform admin)")
	Mono<ReEncryptionResponse> reEncrypt(@AuthenticationPrincipal Caller caller) {
		caller.requirePlatformAdmin();
		String current = this.box.currentKeyId();
		if (current == null) {
			// nothing can be stored without a key, so there is nothing to re-seal either
			return Mono.just(new ReEncryptionResponse("secret_re_encryption", null, Map.of()));
		}
		return Flux.fromIterable(this.stores)
			.concatMap((store) -> store.reEncrypt(this.box).map((count) -> Map.entry(store.name(), count)))
			.collect(LinkedHashMap<String, Long>::new, (counts, entry) -> counts.put(entry.getKey(), entry.getValue()))
			.flatMap((counts) -> this.audit
				.record(new AuditEntry(null, caller, "secrets.re_encrypted", "secrets_key", current,
						Map.of("re_encrypted", counts)))
				.thenReturn(new ReEncryptionResponse("secret_re_encryption", current, counts)));
	}

}
