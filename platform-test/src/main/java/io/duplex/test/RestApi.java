package io.duplex.test;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Requests to Duplex's REST API that tests make over and over: a client with a bearer key, a
 * {@code 201} or {@code 200} answer read as JSON, a problem answer, tenants and keys made through
 * the API itself so that tests never share mutable state.
 */
public final class RestApi {

	/** Where problem types live; a problem's {@code type} is this and a slug. */
	public static final String PROBLEMS = "https://duplex.dev/problems/";

	private RestApi() {
	}

	/** {@code client} sending {@code key} as its bearer token. */
	public static WebTestClient as(WebTestClient client, String key) {
		return client.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build();
	}

	/** The answer of {@code exchange}, which must be {@code 201 Created}, as JSON. */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> created(WebTestClient.ResponseSpec exchange) {
		return Objects.requireNonNull(
				exchange.expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody());
	}

	/** The answer of {@code exchange}, which must be {@code 200 OK}, as JSON. */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> ok(WebTestClient.ResponseSpec exchange) {
		return Objects
			.requireNonNull(exchange.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody());
	}

	/** The answer of {@code exchange}, which must be {@code 200 OK}, as text. */
	public static String okText(WebTestClient.ResponseSpec exchange) {
		return Objects
			.requireNonNull(exchange.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
	}

	/** POSTs {@code body} to {@code uri} and expects {@code 201}; returns the answer. */
	public static Map<String, Object> post(WebTestClient client, String uri, Object body) {
		return created(client.post().uri(uri).bodyValue(body).exchange());
	}

	/** GETs {@code uri} and expects {@code 200}; returns the answer. */
	public static Map<String, Object> get(WebTestClient client, String uri) {
		return ok(client.get().uri(uri).exchange());
	}

	/**
	 * Expects a problem answer ({@code application/problem+json}) of {@code status} whose type is
	 * {@code PROBLEMS + slug}; returns its body for further checks (e.g. {@code $.param}).
	 */
	public static WebTestClient.BodyContentSpec problem(WebTestClient.ResponseSpec exchange, int status, String slug) {
		return exchange.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + slug);
	}

	/** A new tenant made by the platform admin with {@code fields} (a random name unless given); returns its id. */
	public static String newTenant(WebTestClient client, Map<String, ?> fields) {
		Map<String, Object> body = new HashMap<>(fields);
		body.putIfAbsent("name", "Tenant " + UUID.randomUUID());
		return post(as(client, TestKeys.PLATFORM_ADMIN), "/v1/tenants", body).get("id").toString();
	}

	/** A new key of {@code role} named {@code name}, made with {@code key}; returns the answer (with its secret). */
	public static Map<String, Object> newKey(WebTestClient client, String key, String tenantId, String name,
			String role) {
		return post(as(client, key), "/v1/tenants/" + tenantId + "/api_keys", Map.of("name", name, "role", role));
	}

	/** A new agent made with {@code key} with {@code fields} (a random name unless given); returns its id. */
	public static String newAgent(WebTestClient client, String key, Map<String, ?> fields) {
		Map<String, Object> body = new HashMap<>(fields);
		body.putIfAbsent("name", "Agent " + UUID.randomUUID());
		return post(as(client, key), "/v1/agents", body).get("id").toString();
	}

}
