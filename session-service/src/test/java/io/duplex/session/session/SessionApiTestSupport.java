package io.duplex.session.session;

import java.util.Map;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.session.SessionTestSupport;
import reactor.test.StepVerifier;

/** Helpers the session tests share: create sessions, read them, and age a secret past its expiry. */
abstract class SessionApiTestSupport extends SessionTestSupport {

	static final String PROBLEMS = "https://duplex.dev/problems/";

	@Autowired
	protected Sessions sessions;

	@Autowired
	private DatabaseClient db;

	/** Creates a session with {@code key}; expects 201 and returns the answer. */
	Map<String, Object> createSession(String key, Map<String, ?> body) {
		return post(as(key), "/v1/sessions", body);
	}

	/** Creates a session of {@code agentId} with every default; returns the answer. */
	Map<String, Object> createSession(String key, String agentId) {
		return createSession(key, Map.of("agent", agentId));
	}

	/** POSTs a session and expects {@code status}; returns the body for further checks. */
	WebTestClient.BodyContentSpec createSessionExpecting(String key, Map<String, ?> body, int status) {
		return as(key).post().uri("/v1/sessions").bodyValue(body).exchange().expectStatus().isEqualTo(status).expectBody();
	}

	Map<String, Object> session(String key, String id) {
		return get(as(key), "/v1/sessions/" + id);
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> end(String key, String id) {
		return as(key).post()
			.uri("/v1/sessions/{id}/end", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	/** A JSON object of an answer, for assertions. */
	@SuppressWarnings("unchecked")
	static Map<String, Object> object(Object value) {
		return (Map<String, Object>) value;
	}

	/** The client secret of a session as created. */
	static String secretOf(Map<String, Object> created) {
		return ((Map<?, ?>) created.get("client_secret")).get("value").toString();
	}

	/**
	 * Moves the session's secret's expiry into the past. Stands in for a clock the test cannot
	 * wait on: the rules compare with the database's {@code now()}.
	 */
	void expireSecretOf(String sessionId) {
		this.db.sql("UPDATE realtime.client_secret SET expires_at = now() - interval '1 second' WHERE session_id = :id")
			.bind("id", sessionId)
			.fetch()
			.rowsUpdated()
			.as(StepVerifier::create)
			.expectNext(1L)
			.verifyComplete();
	}

}
