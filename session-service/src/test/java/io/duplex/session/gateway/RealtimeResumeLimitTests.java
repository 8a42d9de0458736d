package io.duplex.session.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.duplex.session.SessionTestSupport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing resume tokens: past the limit an address's resumes answer 429 before any look-up, even
 * with the right token, while another address resumes the same session. Both addresses are
 * loopback ones (127.0.0.2 and 127.0.0.1), which Linux routes to this machine.
 */
@TestPropertySource(properties = { "duplex.sessions.resume-failures-per-minute=1",
		"duplex.sessions.resume-failure-burst=3" })
class RealtimeResumeLimitTests extends SessionTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MeterRegistry meters;

	@Test
	void badTokensFromOneAddressThen429BeforeAnyLookUpAndAnotherAddressStillResumes() throws IOException {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String sessionId;
		String token;
		try (RealtimeTestClient first = RealtimeTestClient.connect(
				java.net.URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?model=" + agent), tenant.adminKey())) {
			sessionId = first.await("session.created").path("session").path("id").asString();
			token = first.await("duplex.session.resumable").path("resume_token").asString();
			first.drop();
		}
		RealtimeVoiceTests.await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId),
				(body) -> "detached".equals(body.get("status")));
		double limitedBefore = rateLimited();

		InetAddress guesser = InetAddress.getByName("127.0.0.2");
		for (int i = 0; i < 3; i++) {
			assertThat(handshake(guesser, sessionId, "rt_" + "x".repeat(47) + i).status()).isEqualTo(401);
		}
		Answer refused = handshake(guesser, sessionId, "rt_" + "y".repeat(48));
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.headers()).containsKey("retry-after");
		assertThat(Long.parseLong(refused.headers().get("retry-after"))).isBetween(1L, 60L);
		assertThat(refused.headers().get("content-type")).startsWith("application/problem+json");
		JsonNode problem = json.readTree(refused.body());
		assertThat(problem.path("type").asString()).isEqualTo("https://duplex.dev/problems/resume-rate-limited");
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		// refused before the look-up: the right token does not get through from there either, nor use it up
		assertThat(handshake(guesser, sessionId, token).status()).isEqualTo(429);
		// forwarded headers are not trusted here (no server.forward-headers-strategy): naming another client changes nothing
		assertThat(handshake(guesser, sessionId, token, "X-Forwarded-For: 198.51.100.7\r\nForwarded: for=198.51.100.8\r\n")
			.status()).isEqualTo(429);
		assertThat(rateLimited()).isEqualTo(limitedBefore + 3);

		// another address is not limited by those failures: its resume runs
		try (RealtimeTestClient resumed = RealtimeTestClient.resume(java.net.URI.create("ws://127.0.0.1:" + this.port
				+ "/v1/realtime?session=" + sessionId + "&resume_token=" + token))) {
			assertThat(resumed.await("session.created").path("session").path("id").asString()).isEqualTo(sessionId);
		}
	}

	@Test
	void successfulResumesThenNeverLimited() throws IOException {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		InetAddress client = InetAddress.getByName("127.0.0.3");
		String sessionId;
		String token;
		try (RealtimeTestClient first = RealtimeTestClient.connect(
				java.net.URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?model=" + agent), tenant.adminKey())) {
			sessionId = first.await("session.created").path("session").path("id").asString();
			token = first.await("duplex.session.resumable").path("resume_token").asString();
			first.drop();
		}
		// more resumes than the burst, each with the token the one before handed out
		for (int i = 0; i < 5; i++) {
			RealtimeVoiceTests.await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId),
					(body) -> "detached".equals(body.get("status")));
			Answer resumed = handshake(client, sessionId, token);
			assertThat(resumed.status()).as("resume %d", i).isEqualTo(101);
			token = resumed.resumeToken();
		}
	}

	private double rateLimited() {
		Counter counter = this.meters.find("duplex.sessions.resumes").tag("outcome", "rate_limited").counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * A response to an upgrade request: its status, headers (names in lower case), and its body, or
	 * for a 101 the next resume token the session sent.
	 */
	private record Answer(int status, Map<String, String> headers, String body) {

		String resumeToken() {
			int at = this.body.indexOf("\"resume_token\":\"");
			assertThat(at).as(this.body).isNotNegative();
			int start = at + "\"resume_token\":\"".length();
			return this.body.substring(start, this.body.indexOf('"', start));
		}

	}

	/**
	 * A WebSocket upgrade of a resume, from the local address {@code from}, on a plain socket. A
	 * refusal is read whole; an accepted socket is read until the session's new resume token, then
	 * dropped (so the session is resumable again).
	 */
	private Answer handshake(InetAddress from, String sessionId, String token) throws IOException {
		return handshake(from, sessionId, token, "");
	}

	private Answer handshake(InetAddress from, String sessionId, String token, String extraHeaders) throws IOException {
		try (Socket socket = new Socket()) {
			socket.setSoTimeout(10_000);
			socket.bind(new InetSocketAddress(from, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /v1/realtime?session=" + sessionId + "&resume_token=" + token + " HTTP/1.1\r\n"
					+ "Host: 127.0.0.1:" + this.port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String head = readHead(in);
			String[] lines = head.split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
			}
			if (status == 101) {
				return new Answer(status, headers, readUntil(in, "duplex.session.resumable"));
			}
			byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? readChunks(in)
					: in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
			return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
		}
	}

	private static byte[] readChunks(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			StringBuilder size = new StringBuilder();
			for (int next = in.read(); next != '\n'; next = in.read()) {
				if (next < 0) {
					throw new IOException("the connection ended in a chunk's size");
				}
				size.append((char) next);
			}
			int length = Integer.parseInt(size.toString().strip().split(";")[0], 16);
			if (length == 0) {
				return body.toByteArray();
			}
			body.write(in.readNBytes(length));
			in.readNBytes(2);
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				throw new IOException("the connection ended in the response head: " + head);
			}
			head.write(next);
		}
		return head.toString(StandardCharsets.US_ASCII).strip();
	}

	/** Server frames are unmasked text: reading bytes until the event's text shows up is enough here. */
	private static String readUntil(InputStream in, String text) throws IOException {
		ByteArrayOutputStream read = new ByteArrayOutputStream();
		while (true) {
			String sofar = read.toString(StandardCharsets.UTF_8);
			int at = sofar.indexOf(text);
			if (at >= 0 && sofar.indexOf('}', at) > 0) {
				return sofar.substring(at);
			}
			int next = in.read();
			if (next < 0) {
				throw new IOException("the socket ended before " + text + ": " + sofar);
			}
			read.write(next);
		}
	}

}
