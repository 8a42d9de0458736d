package io.duplex.session.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.duplex.session.SessionTestSupport;

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
