package io.duplex.test;

import java.time.Duration;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * HTTP clients for tests that talk to a real server on 127.0.0.1: each request on a connection of
 * its own, never a kept-alive one.
 * <p>
 * Why no pooling: Reactor Netty's HTTP/1.1 server (1.3.6) queues a request that arrives on a
 * kept-alive connection before the previous exchange on it has terminated, and after such a queued
 * request is answered at once it stops reading that connection (reactor-netty issues 4347 and
 * 4361). The client's next request on the pooled connection then waits unread until the client
 * gives up and closes it; only then does the server read and answer it, to nobody (the access log
 * shows {@code 200 10ms cancelled}). The window for the queuing is short and opens under load,
 * hence a flake only on a busy machine. The clients Spring makes by default
 * ({@code WebTestClient.bindToServer()}, {@code WebClient.create()}) keep connections alive in
 * Reactor Netty's global pool. A new connection per request costs a loopback handshake and leaves
 * nothing of one exchange to the next.
 */
public final class TestHttp {

	/** How long a test's request may take before the client gives up (as {@code @AutoConfigureWebTestClient(timeout)}). */
	public static final Duration TIMEOUT = Duration.ofSeconds(30);

	private TestHttp() {
	}

	/** A connector that opens a new connection for every request and closes it after the answer. */
	public static ClientHttpConnector connector() {
		return new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection()));
	}

	/** A client of the server on {@code port} of 127.0.0.1. */
	public static WebTestClient.Builder webTestClient(int port) {
		return WebTestClient.bindToServer(connector()).baseUrl("http://127.0.0.1:" + port).responseTimeout(TIMEOUT);
	}

	/** A reactive client of the server on {@code port} of 127.0.0.1. */
	public static WebClient.Builder webClient(int port) {
		return WebClient.builder().clientConnector(connector()).baseUrl("http://127.0.0.1:" + port);
	}

}
