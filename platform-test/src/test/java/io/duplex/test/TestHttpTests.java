package io.duplex.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test clients never send a request on a connection the server may have stopped reading, the
 * state Reactor Netty's server leaves a kept-alive connection in after answering a queued request
 * (see {@link TestHttp}). A pooled client sends its second request on the first connection here,
 * and waits for it in vain until its timeout.
 */
class TestHttpTests {

	private static final Duration BOUND = Duration.ofSeconds(10);

	private OneAnswerServer server;

	@BeforeEach
	void start() throws IOException {
		this.server = new OneAnswerServer();
	}

	@AfterEach
	void stop() throws IOException {
		this.server.close();
	}

	@Test
	void webClientWhenTheServerStopsReadingAnAnsweredConnectionThenEveryRequestIsStillAnswered() {
		for (int i = 1; i <= 3; i++) {
			String body = TestHttp.webClient(this.server.port())
				.build()
				.get()
				.uri("/request-" + i)
				.retrieve()
				.bodyToMono(String.class)
				.block(BOUND);
			assertThat(body).isEqualTo("ok");
		}
		assertThat(this.server.requests()).containsExactly("GET /request-1", "GET /request-2", "GET /request-3");
	}

	@Test
	void webTestClientWhenTheServerStopsReadingAnAnsweredConnectionThenEveryRequestIsStillAnswered() {
		var client = TestHttp.webTestClient(this.server.port()).responseTimeout(BOUND).build();
		for (int i = 1; i <= 3; i++) {
			client.get().uri("/request-" + i).exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("ok");
		}
		assertThat(this.server.requests()).containsExactly("GET /request-1", "GET /request-2", "GET /request-3");
	}

	/**
	 * Answers the first request of each connection, keeping the connection alive, and then reads
	 * nothing more from it: what a client sends there next is never answered.
	 */
	private static final class OneAnswerServer implements AutoCloseable {

		private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final List<Socket> connections = new CopyOnWriteArrayList<>();

		private final List<String> requests = new CopyOnWriteArrayList<>();

		private final Thread acceptor = Thread.ofPlatform().daemon().start(this::accept);

		OneAnswerServer() throws IOException {
		}

		int port() {
			return this.socket.getLocalPort();
		}

		List<String> requests() {
			return this.requests;
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					this.connections.add(connection);
					Thread.ofPlatform().daemon().start(() -> answerOnce(connection));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void answerOnce(Socket connection) {
			try {
				String head = readHead(connection.getInputStream());
				this.requests.add(head.substring(0, head.indexOf(" HTTP/1.1")));
				connection.getOutputStream()
					.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
						.getBytes(StandardCharsets.US_ASCII));
				connection.getOutputStream().flush();
				// and read no more: the connection stays open, as the server left it
			}
			catch (IOException ex) {
				// the test ended and closed the connection
			}
		}

		private static String readHead(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
				int next = in.read();
				if (next < 0) {
					throw new IOException("closed before the end of the request's head");
				}
				head.write(next);
			}
			return head.toString(StandardCharsets.US_ASCII);
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
			for (Socket connection : this.connections) {
				connection.close();
			}
		}

	}

}
