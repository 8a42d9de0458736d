package io.duplex.session.rest;

import java.util.Map;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.lifecycle.Sessions;
import reactor.test.StepVerifier;

/** Helpers the session tests share: create sessions, read them, and age a secret past its expiry. */
public abstract class SessionApiTestSupport extends SessionTestSupport {

	protected static final String PROBLEMS = "https://duplex.dev/problems/";

	@Autowired
	protected Sessions sessions;

	@Autowired
	private DatabaseClient db;

	/** Creates a session with {@code key}; expects 201 and returns the answer. */
	protected Map<String, Object> createSession(String key, Map<String, ?> body) {
		return post(as(key), "/v1/sessions", body);
	}

	/** Creates a session of {@code agentId} with every default; returns the answer. */
	protected Map<String, Object> createSession(String key, String agentId) {
		return createSession(key, Map.of("agent", agentId));
	}

	/** POSTs a session and expects {@code status}; returns the body for further checks. */
	protected WebTestClient.BodyContentSpec createSessionExpecting(String key, Map<String, ?> body, int status) {
		return as(key).post().uri("/v1/sessions").bodyValue(body).exchange().expectStatus().isEqualTo(status).expectBody();
	}

	protected Map<String, Object> session(String key, String id) {
		return get(as(key), "/v1/sessions/" + id);
	}

	@SuppressWarnings("unchecked")
	protected Map<String, Object> end(String key, String id) {
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
	protected static Map<String, Object> object(Object value) {
		return (Map<String, Object>) value;
	}

	/** The client secret of a session as created. */
	protected static String secretOf(Map<String, Object> created) {
		return ((Map<?, ?>) created.get("client_secret")).get("value").toString();
	}

	/**
	 * Moves the session's secret's expiry into the past. Stands in for a clock the test cannot
	 * wait on: the rules compare with the database's {@code now()}.
	 */
	protected void expireSecretOf(String sessionId) {
		this.db.sql("UPDATE realtime.client_secret SET expires_at = now() - interval '1 second' WHERE session_id = :id")
			.bind("id", sessionId)
			.fetch()
			.rowsUpdated()
			.as(StepVerifier::create)
			.expectNext(1L)
			.verifyComplete();
	}

}
