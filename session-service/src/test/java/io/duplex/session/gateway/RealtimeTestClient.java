package io.duplex.session.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import io.duplex.session.audio.Pcm16;
import io.duplex.session.protocol.RealtimeSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A realtime client for tests, on the JDK's own WebSocket client (independent of the server's
 * stack). It records every server event in order, checks each against the official schema as it
 * arrives, and streams audio at real-time pace.
 */
public final class RealtimeTestClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

	private final List<String> schemaViolations = Collections.synchronizedList(new ArrayList<>());

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	/** {@link System#nanoTime()} when the server's close arrived. */
	private volatile long closedAtNanos;

	private final WebSocket socket;

	private final String selectedProtocol;

	private RealtimeTestClient(URI uri, @Nullable String bearer, boolean asBrowser) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		// no bearer for a resume: the token in the query is the credential
		if (bearer != null && asBrowser) {
			builder.subprotocols("realtime", "openai-insecure-api-key." + bearer);
		}
		else if (bearer != null) {
			builder.header("Authorization", "Bearer " + bearer);
		}
		this.socket = builder.buildAsync(uri, new Listener()).join();
		this.selectedProtocol = this.socket.getSubprotocol();
	}

	/** Connects with {@code Authorization: Bearer}, as a server would. */
	public static RealtimeTestClient connect(URI uri, String bearer) {
		return new RealtimeTestClient(uri, bearer, false);
	}

	/** Connects with no credential: for {@code ?session=…&resume_token=…}, where the token is the credential. */
	public static RealtimeTestClient resume(URI uri) {
		return new RealtimeTestClient(uri, null, false);
	}

	/** Connects with the credential in the subprotocols, as OpenAI's browser SDK does. */
	public static RealtimeTestClient connectAsBrowser(URI uri, String credential) {
		return new RealtimeTestClient(uri, credential, true);
	}

	public String selectedProtocol() {
		return this.selectedProtocol;
	}

	public void send(String event) {
		this.socket.sendText(event, true).join();
	}

	/** Sends unless the socket has closed meanwhile (for floods that the server is expected to cut off). */
	public boolean trySend(String event) {
		try {
			send(event);
			return true;
		}
		catch (java.util.concurrent.CompletionException ex) {
			if (ex.getCause() instanceof java.io.IOException) {
				return false;
			}
			throw ex;
		}
	}

	public void send(JsonNode event) {
		send(json.writeValueAsString(event));
	}

	/** Appends PCM16 24 kHz audio in 20 ms chunks at real-time pace. */
	public void streamPcm(short[] samples) {
		int chunk = 480;
		long start = System.nanoTime();
		for (int offset = 0, n = 0; offset < samples.length; offset += chunk, n++) {
			int length = Math.min(chunk, samples.length - offset);
			appendAudio(Pcm16.toBytes(samples, offset, length));
			long due = start + (n + 1) * 20_000_000L;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				sleep(wait);
			}
		}
	}

	public void appendAudio(byte[] bytes) {
		send(appendEvent(bytes));
	}

	/** {@link #appendAudio} unless the socket has closed meanwhile. */
	public boolean tryAppendAudio(byte[] bytes) {
		return trySend(appendEvent(bytes));
	}

	private static String appendEvent(byte[] bytes) {
		return "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
	}

	/** The first event (from the start of the session) matching {@code test}, waiting for it. */
	public JsonNode await(Predicate<JsonNode> test, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int seen = 0;
		while (System.nanoTime() < deadline) {
			synchronized (this.received) {
				for (; seen < this.received.size(); seen++) {
					if (test.test(this.received.get(seen))) {
						return this.received.get(seen);
					}
				}
			}
			sleep(5_000_000);
		}
		throw new AssertionError("no matching event within " + timeout + "; received: " + types());
	}

	/** The first event of {@code type}, waiting for it. */
	public JsonNode await(String type) {
		return await((event) -> type.equals(event.path("type").asString()), Duration.ofSeconds(10));
	}

	/** The first event of {@code type} after {@code after} (an event received earlier). */
	public JsonNode awaitAfter(JsonNode after, String type) {
		return await((event) -> type.equals(event.path("type").asString()) && indexOf(event) > indexOf(after),
				Duration.ofSeconds(10));
	}

	public int indexOf(JsonNode event) {
		synchronized (this.received) {
			for (int i = 0; i < this.received.size(); i++) {
				if (this.received.get(i) == event) {
					return i;
				}
			}
		}
		return -1;
	}

	public List<JsonNode> received() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	public List<String> types() {
		return received().stream().map((event) -> event.path("type").asString()).toList();
	}

	/** Events received that the official schema rejects (should stay empty). */
	public List<String> schemaViolations() {
		return List.copyOf(this.schemaViolations);
	}

	/** The close code the server sent, waiting for it. */
	public int awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("the server did not close the socket within " + timeout, ex);
		}
	}

	/** {@link System#nanoTime()} when the server's close frame arrived; call after {@link #awaitClose}. */
	public long closedAtNanos() {
		if (!this.closed.isDone()) {
			throw new IllegalStateException("the socket is not closed");
		}
		return this.closedAtNanos;
	}

	/** Drops the connection without a close frame, as a lost network would. */
	public void drop() {
		this.socket.abort();
	}

	public boolean isClosed() {
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

	private static void sleep(long nanos) {
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
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
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				try {
					List<String> problems = RealtimeSchema.get().validateServerEvent(text);
					if (!problems.isEmpty()) {
						RealtimeTestClient.this.schemaViolations.add(text.substring(0, Math.min(300, text.length()))
								+ " -> " + problems);
					}
					RealtimeTestClient.this.received.add(json.readTree(text));
				}
				catch (RuntimeException ex) {
					// a listener that throws makes the JDK abort the socket: record the problem instead
					RealtimeTestClient.this.schemaViolations.add("unreadable event " + text + ": " + ex);
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
			RealtimeTestClient.this.closedAtNanos = System.nanoTime();
			RealtimeTestClient.this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			RealtimeTestClient.this.closedAtNanos = System.nanoTime();
			RealtimeTestClient.this.closed.complete(-1);
		}

	}

}
