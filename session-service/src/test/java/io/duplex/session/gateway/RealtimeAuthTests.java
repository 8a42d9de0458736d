package io.duplex.session.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.duplex.session.SessionTestSupport;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The socket's handshake: who may open one, and how a refusal looks. */
class RealtimeAuthTests extends SessionTestSupport {

	@Test
	void handshakeWithoutOrWithABadCredentialIsRefusedWith401() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		assertThat(handshakeStatus(socket("agent=" + agent), null)).isEqualTo(401);
		assertThat(handshakeStatus(socket("agent=" + agent), "dpx_notarealkey0000000000000000000000000000000000"))
			.isEqualTo(401);
		assertThat(handshakeStatus(socket("session=sess_01M7YYH7ADPDHS1SGW6JEF8NBA"), "ek_notarealsecret0000000000000"))
			.isEqualTo(401);
	}

	@Test
	void handshakeForAnotherTenantsAgentOrWithoutAnAgentIsRefused() {
		TestTenant mine = newTenant();
		TestTenant other = newTenant();
		String theirs = newAgent(other.adminKey());
		assertThat(handshakeStatus(socket("agent=" + theirs), mine.adminKey())).isEqualTo(404);
		assertThat(handshakeStatus(socket("model=gpt-realtime"), mine.adminKey())).isEqualTo(422);
	}

	@Test
	void viewerKeyMayNotOpenASession() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		assertThat(handshakeStatus(socket("agent=" + agent), newKey(tenant.id(), "viewer"))).isEqualTo(403);
	}

	@Test
	void openAiSdkStyleConnectWithModelNamingTheAgentWorks() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			assertThat(client.await("session.created").path("session").path("model").asString()).isEqualTo(agent);
		}
	}

	@Test
	void clientSecretAsBearerHeaderOpensItsSessionWhichAnswers() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		String id = created.get("id").toString();
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("session=" + id), secretOf(created))) {
			assertThat(client.await("session.created").path("session").path("id").asString()).isEqualTo(id);
			RealtimeConversationTests.say(client, "the header form works");
			JsonNode done = client.await("response.done");
			assertThat(done.path("response").path("status").asString()).isEqualTo("completed");
			assertThat(client.await("response.output_audio_transcript.done").path("transcript").asString())
				.contains("the header form works");
			assertThat(client.schemaViolations()).isEmpty();
		}
		assertThat(get(as(tenant.adminKey()), "/v1/sessions/" + id).get("status")).isNotEqualTo("created");
	}

	@Test
	void clientSecretAsSubprotocolOpensItsSession() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		String id = created.get("id").toString();
		try (RealtimeTestClient client = RealtimeTestClient.connectAsBrowser(socket("session=" + id),
				secretOf(created))) {
			assertThat(client.selectedProtocol()).isEqualTo("realtime");
			assertThat(client.await("session.created").path("session").path("id").asString()).isEqualTo(id);
			RealtimeConversationTests.say(client, "the subprotocol form works");
			assertThat(client.await("response.done").path("response").path("status").asString()).isEqualTo("completed");
		}
	}

	@Test
	void clientSecretAsBearerHeaderWithoutTheSessionInTheQueryOpensTheSessionItWasMintedFor() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), secretOf(created))) {
			assertThat(client.await("session.created").path("session").path("id").asString())
				.isEqualTo(created.get("id"));
		}
	}

	@Test
	void clientSecretAsBearerHeaderForAnotherSessionOrUsedOrUnknownIsRefusedWith401() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> mine = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		Map<String, Object> other = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		assertThat(handshakeStatus(socket("session=" + other.get("id")), secretOf(mine))).isEqualTo(401);
		assertThat(handshakeStatus(socket("session=" + other.get("id")), "ek_" + "0".repeat(48))).isEqualTo(401);
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("session=" + other.get("id")),
				secretOf(other))) {
			client.await("session.created");
			assertThat(handshakeStatus(socket("session=" + other.get("id")), secretOf(other))).isEqualTo(401);
		}
	}

	private static String secretOf(Map<String, Object> created) {
		return ((Map<?, ?>) created.get("client_secret")).get("value").toString();
	}

	private URI socket(String query) {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?" + query);
	}

	/** The HTTP status a handshake is refused with, or 101 when it is accepted (the socket is then closed). */
	static int handshakeStatus(URI uri, String credential) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		if (credential != null) {
			builder.header("Authorization", "Bearer " + credential);
		}
		try {
			WebSocket socket = builder.buildAsync(uri, new WebSocket.Listener() {
			}).join();
			socket.abort();
			return 101;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw ex;
		}
	}

}
