package io.duplex.api.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.api.ApiTestSupport;
import io.duplex.test.RestApi;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotent POSTs against the running control plane: keys belong to the credential that used
 * them, replays come after the role check, bodies are bounded before buffering, stored answers are
 * sealed, and a tenant's records are capped (at 5 here, so the cap is reachable).
 */
@TestPropertySource(properties = "duplex.idempotency.max-records-per-tenant=" + IdempotencyTests.CAP)
class IdempotencyTests extends ApiTestSupport {

	static final int CAP = 5;

	private static final int MIB = 1024 * 1024;

	@Autowired
	private DatabaseClient db;

	@LocalServerPort
	private int port;

	@Test
	void postWhenSameKeyAndBodyThenFirstAnswerIsReplayedAndNothingIsCreatedTwice() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		Map<?, ?> first = createKey(tenant.adminKey(), tenant, key, "replayed", "viewer").expectStatus()
			.isCreated()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		Map<?, ?> second = createKey(tenant.adminKey(), tenant, key, "replayed", "viewer").expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectHeader()
			.valueMatches("Location", ".*/api_keys/" + first.get("id"))
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(second).isEqualTo(first);
		assertThat(keysNamed(tenant, "replayed")).hasSize(1);
	}

	@Test
	void postWhenViewerRepeatsAdminsKeyCreationWithSameKeyAndBodyThenForbiddenWithoutSecret() {
		TestTenant tenant = newTenant();
		String viewer = newKey(tenant.id(), "viewer");
		String adminSecret = RestApi.created(createKey(tenant.adminKey(), tenant, "ci-deploy-2026", "deploy", "tenant_admin"))
			.get("secret")
			.toString();
		String answer = createKey(viewer, tenant, "ci-deploy-2026", "deploy", "tenant_admin").expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(answer).doesNotContain(adminSecret).doesNotContain("\"secret\"");
		// and the viewer's retry is its own 403 again, never the admin's answer
		createKey(viewer, tenant, "ci-deploy-2026", "deploy", "tenant_admin").expectStatus()
			.isForbidden()
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain(adminSecret));
		assertThat(keysNamed(tenant, "deploy")).hasSize(1);
	}

	@Test
	void postWhenSameCredentialRepeatsSecretCarryingAnswerThenReplaysTheSameSecret() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		Map<?, ?> first = RestApi.created(createKey(tenant.adminKey(), tenant, key, "deploy", "tenant_admin"));
		Map<?, ?> replay = createKey(tenant.adminKey(), tenant, key, "deploy", "tenant_admin").expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(replay.get("secret")).isNotNull().isEqualTo(first.get("secret"));
		assertThat(replay.get("id")).isEqualTo(first.get("id"));
	}

	@Test
	void postWhenAnotherCredentialOfTheSameRoleSendsSameKeyAndBodyThenRunsAnew() {
		TestTenant tenant = newTenant();
		String otherAdmin = newKey(tenant.id(), "tenant_admin");
		String key = UUID.randomUUID().toString();
		Map<?, ?> first = RestApi.created(createKey(tenant.adminKey(), tenant, key, "twice", "viewer"));
		Map<?, ?> second = createKey(otherAdmin, tenant, key, "twice", "viewer").expectStatus()
			.isCreated()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(second.get("id")).isNotEqualTo(first.get("id"));
		assertThat(second.get("secret")).isNotEqualTo(first.get("secret"));
		assertThat(keysNamed(tenant, "twice")).hasSize(2);
	}

	@Test
	void postWhenCredentialsRoleChangedSinceThenConflictAndNoReplay() {
		TestTenant tenant = newTenant();
		Map<?, ?> adminKey = RestApi.created(as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "changing", "role", "tenant_admin"))
			.exchange());
		String admin = adminKey.get("secret").toString();
		String key = UUID.randomUUID().toString();
		Map<?, ?> first = RestApi.created(createKey(admin, tenant, key, "before", "tenant_admin"));
		// the role a credential has may change where it is managed; here, straight in its row
		Long changed = this.db
			.sql("UPDATE control.api_key SET role = 'viewer' WHERE tenant_id = :tenant AND id = :id")
			.bind("tenant", tenant.id())
			.bind("id", adminKey.get("id"))
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		assertThat(changed).isEqualTo(1);
		createKey(admin, tenant, key, "before", "tenant_admin").expectStatus()
			.isEqualTo(409)
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("https://duplex.dev/problems/idempotency-key-reused")
				.doesNotContain(first.get("secret").toString()));
	}

	@Test
	void postWhenSameKeyButDifferentBodyThenConflictProblem() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		createKey(tenant.adminKey(), tenant, key, "first", "viewer").expectStatus().isCreated();
		createKey(tenant.adminKey(), tenant, key, "second", "viewer").expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/idempotency-key-reused");
	}

	@Test
	void postWhenSameKeyFromAnotherTenantThenRunsIndependently() {
		TestTenant one = newTenant();
		TestTenant two = newTenant();
		String key = UUID.randomUUID().toString();
		createKey(one.adminKey(), one, key, "same", "viewer").expectStatus()
			.isCreated()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed");
		createKey(two.adminKey(), two, key, "same", "viewer").expectStatus()
			.isCreated()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed");
	}

	@Test
	void postWhenFirstAttemptFailedValidationThenRetryReplaysTheSameProblem() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		createKey(tenant.adminKey(), tenant, key, "bad", "emperor").expectStatus().isEqualTo(422);
		createKey(tenant.adminKey(), tenant, key, "bad", "emperor").expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectHeader()
			.contentType("application/problem+json");
	}

	@Test
	void postWhenKeyTooLongThenValidationProblem() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", "k".repeat(256))
			.bodyValue(Map.of("name", "x", "role", "viewer"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("Idempotency-Key");
	}

	@Test
	void postWhenAnswerCarriesASecretThenTheStoredBodyIsNotPlaintext() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		String secret = RestApi.created(createKey(tenant.adminKey(), tenant, key, "sealed", "developer"))
			.get("secret")
			.toString();
		List<Map<String, Object>> rows = this.db
			.sql("SELECT sealing_key_id, body, tenant_scope FROM platform.idempotency_record "
					+ "WHERE idempotency_key = :key")
			.bind("key", key)
			.fetch()
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(rows).hasSize(1);
		assertThat(rows.get(0)).containsEntry("sealing_key_id", SECRETS_KEY_ID)
			.containsEntry("tenant_scope", tenant.id());
		String stored = new String(bytes(rows.get(0).get("body")), StandardCharsets.ISO_8859_1);
		assertThat(stored).isNotEmpty().doesNotContain(secret).doesNotContain("sealed").doesNotContain("secret");
	}

	@Test
	void postWhenStoredAnswerNoLongerOpensThenConflictNamesWhatRanWithoutTheBody() {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		Map<?, ?> first = RestApi.created(createKey(tenant.adminKey(), tenant, key, "lost", "developer"));
		// as if the key that sealed it had left the ring
		this.db.sql("UPDATE platform.idempotency_record SET sealing_key_id = 'gone' WHERE idempotency_key = :key")
			.bind("key", key)
			.then()
			.block(Duration.ofSeconds(10));
		createKey(tenant.adminKey(), tenant, key, "lost", "developer").expectStatus()
			.isEqualTo(409)
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/idempotency-answer-withheld")
			.jsonPath("$.original_status")
			.isEqualTo(201)
			.jsonPath("$.location")
			.value((location) -> assertThat(location.toString()).endsWith("/api_keys/" + first.get("id")))
			.jsonPath("$.secret")
			.doesNotExist();
	}

	@Test
	void postWhenSealedAnswerIsCopiedIntoAnotherRecordThenItDoesNotOpen() {
		TestTenant tenant = newTenant();
		String mine = UUID.randomUUID().toString();
		String other = UUID.randomUUID().toString();
		createKey(tenant.adminKey(), tenant, mine, "mine", "viewer").expectStatus().isCreated();
		String secret = RestApi.created(createKey(tenant.adminKey(), tenant, other, "other", "tenant_admin"))
			.get("secret")
			.toString();
		this.db.sql("""
				UPDATE platform.idempotency_record SET body = (SELECT body FROM platform.idempotency_record
				                                                WHERE idempotency_key = :other)
				WHERE idempotency_key = :mine""").bind("other", other).bind("mine", mine).then()
			.block(Duration.ofSeconds(10));
		createKey(tenant.adminKey(), tenant, mine, "mine", "viewer").expectStatus()
			.isEqualTo(409)
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("idempotency-answer-withheld").doesNotContain(secret));
	}

	@Test
	void postWhenTenantHoldsItsCapOfRecordsThenNewKeyIs429WithRetryAfterAndKnownKeysStillReplay() {
		TestTenant tenant = newTenant();
		for (int i = 0; i < CAP; i++) {
			createKey(tenant.adminKey(), tenant, "cap-" + i, "cap " + i, "viewer").expectStatus().isCreated();
		}
		createKey(tenant.adminKey(), tenant, "cap-over", "cap over", "viewer").expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.value("Retry-After", (value) -> assertThat(Long.parseLong(value)).isBetween(1L, 24L * 3600))
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/idempotency-records-exhausted");
		// the refused key was not stored, an existing one still replays, a keyless POST still runs
		assertThat(keysNamed(tenant, "cap over")).isEmpty();
		createKey(tenant.adminKey(), tenant, "cap-0", "cap 0", "viewer").expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true");
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.bodyValue(Map.of("name", "no key", "role", "viewer"))
			.exchange()
			.expectStatus()
			.isCreated();
		// the cap is the tenant's own: another tenant is not counted
		TestTenant other = newTenant();
		createKey(other.adminKey(), other, "cap-over", "cap over", "viewer").expectStatus().isCreated();
	}

	@Test
	void postWhenDeclaredBodyIsLargerThanTheLimitThen413() {
		TestTenant tenant = newTenant();
		as(tenant.adminKey()).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", UUID.randomUUID().toString())
			.header("Content-Type", "application/json")
			.bodyValue(new byte[MIB + 1])
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/request-too-large")
			.jsonPath("$.limit")
			.isEqualTo(MIB);
	}

	/**
	 * A chunked body of up to 50 MiB whose last chunk never comes: a filter that buffered the body
	 * whole would never answer. The answer is a 413 once the first MiB is exceeded.
	 */
	@Test
	void postWhenStreamedBodyExceedsTheLimitThen413WithoutReadingItAll() throws Exception {
		TestTenant tenant = newTenant();
		String key = UUID.randomUUID().toString();
		AtomicLong sent = new AtomicLong();
		AtomicBoolean answered = new AtomicBoolean();
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /v1/tenants/" + tenant.id() + "/api_keys HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
					+ "\r\nAuthorization: Bearer " + tenant.adminKey() + "\r\nIdempotency-Key: " + key
					+ "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
				byte[] chunk = new byte[64 * 1024];
				byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
				try {
					while (!answered.get() && sent.get() < 50L * MIB) {
						out.write(header);
						out.write(chunk);
						out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
						out.flush();
						sent.addAndGet(chunk.length);
					}
				}
				catch (IOException ex) {
					// the server may stop the upload once it has answered
				}
			});
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
			String status = in.readLine();
			answered.set(true);
			// closing unblocks a writer stuck on a full socket buffer of a server that stopped reading
			socket.close();
			writer.get(20, TimeUnit.SECONDS);
			assertThat(status).startsWith("HTTP/1.1 413");
		}
		catch (SocketException ex) {
			throw new AssertionError("the connection failed before an answer came (" + sent.get() + " bytes sent)",
					ex);
		}
		// nothing was claimed, so the key is free for a proper request
		assertThat(this.db.sql("SELECT count(*) AS n FROM platform.idempotency_record WHERE idempotency_key = :key")
			.bind("key", key)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10))).isZero();
	}

	private WebTestClient.ResponseSpec createKey(String credential, TestTenant tenant, String idempotencyKey,
			String name, String role) {
		return as(credential).post()
			.uri("/v1/tenants/{id}/api_keys", tenant.id())
			.header("Idempotency-Key", idempotencyKey)
			.bodyValue(Map.of("name", name, "role", role))
			.exchange();
	}

	private List<?> keysNamed(TestTenant tenant, String name) {
		List<?> keys = (List<?>) as(tenant.adminKey()).get()
			.uri("/v1/tenants/{id}/api_keys?limit=100", tenant.id())
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("data");
		return keys.stream().filter((k) -> name.equals(((Map<?, ?>) k).get("name"))).toList();
	}

	private static byte[] bytes(Object value) {
		if (value instanceof ByteBuffer buffer) {
			byte[] out = new byte[buffer.remaining()];
			buffer.get(out);
			return out;
		}
		return (byte[]) value;
	}

}
