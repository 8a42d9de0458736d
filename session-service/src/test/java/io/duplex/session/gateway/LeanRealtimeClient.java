package io.duplex.session.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A realtime client for load and abuse tests, on the JDK's WebSocket client: unlike
 * {@link RealtimeTestClient} it keeps no event bodies (a client that sends ten thousand items
 * must not fill the test's own heap), only counts by type, the {@code error} events, and when
 * each output audio delta arrived with how much audio it carried.
 */
final class LeanRealtimeClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	/** One output audio delta: when it arrived ({@link System#nanoTime()}) and its length in ms. */
	record Frame(long arrivedNanos, double audioMs) {
	}

	private final List<JsonNode> errors = Collections.synchronizedList(new ArrayList<>());

	private final List<Frame> frames = Collections.synchronizedList(new ArrayList<>());

	private final java.util.Map<String, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private volatile String sessionId;

	private final WebSocket socket;

	LeanRealtimeClient(URI uri, String bearer) {
		this.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.header("Authorization", "Bearer " + bearer)
			.buildAsync(uri, new Listener())
			.join();
	}

	void send(String event) {
		this.socket.sendText(event, true).join();
	}

	/** Sends unless the socket has closed meanwhile. */
	boolean trySend(String event) {
		try {
			send(event);
			return true;
		}
		catch (java.util.concurrent.CompletionException ex) {
			return false;
		}
	}

	/** Whether an error of {@code code} has come. */
	boolean hasError(String code) {
		return errors().stream().anyMatch((error) -> code.equals(error.path("error").path("code").asString()));
	}

	int count(String type) {
		AtomicInteger count = this.counts.get(type);
		return (count != null) ? count.get() : 0;
	}

	List<JsonNode> errors() {
		synchronized (this.errors) {
			return List.copyOf(this.errors);
		}
	}

	List<Frame> frames() {
		synchronized (this.frames) {
			return List.copyOf(this.frames);
		}
	}

	String sessionId() {
		return this.sessionId;
	}

	/** Waits until {@code type} has been received {@code times} times. */
	void awaitCount(String type, int times, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (count(type) < times) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("received " + count(type) + " of " + times + " " + type + " within " + timeout
						+ "; " + errors().size() + " errors; close code: " + this.closed.getNow(null));
			}
			pause();
		}
	}

	/** Waits until {@code count} errors of {@code code} have come; returns the last of them. */
	JsonNode awaitErrors(String code, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<JsonNode> matching = errors().stream()
				.filter((error) -> code.equals(error.path("error").path("code").asString()))
				.toList();
			if (matching.size() >= count) {
				return matching.get(matching.size() - 1);
			}
			if (System.nanoTime() > deadline || isClosed()) {
				List<JsonNode> errors = errors();
				throw new AssertionError("received " + matching.size() + " of " + count + " '" + code + "' errors within "
						+ timeout + "; " + errors.size() + " errors, the last: "
						+ (errors.isEmpty() ? null : errors.get(errors.size() - 1)) + "; close code: "
						+ this.closed.getNow(null));
			}
			pause();
		}
	}

	int awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("the server did not close the socket within " + timeout, ex);
		}
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	@Override
	public void close() {
		if (!this.closed.isDone()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally((error) -> null);
			try {
				this.closed.get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				this.socket.abort();
			}
		}
	}

	private static void pause() {
		try {
			Thread.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder partial = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			long arrived = System.nanoTime();
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				JsonNode event = json.readTree(text);
				String type = event.path("type").asString();
				LeanRealtimeClient.this.counts.computeIfAbsent(type, (key) -> new AtomicInteger()).incrementAndGet();
				switch (type) {
					case "error" -> LeanRealtimeClient.this.errors.add(event);
					case "session.created" -> LeanRealtimeClient.this.sessionId = event.path("session").path("id").asString();
					case "response.output_audio.delta" -> {
						// PCM16 at 24 kHz: 48 bytes a millisecond, 4 base64 characters for 3 bytes
						double bytes = event.path("delta").asString().length() * 3 / 4.0;
						LeanRealtimeClient.this.frames.add(new Frame(arrived, bytes / 48));
					}
					default -> {
						// counted only
					}
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			LeanRealtimeClient.this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			LeanRealtimeClient.this.closed.complete(-1);
		}

	}

}
