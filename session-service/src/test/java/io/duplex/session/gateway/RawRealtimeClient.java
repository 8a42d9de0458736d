package io.duplex.session.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket client on a plain socket, for hostile clients: it sends frames built (and masked)
 * once, so that a flood costs the test's own CPU next to nothing (a real attacker's CPU is not
 * the server's), and it reads only when the test says so: with a small receive buffer, a client
 * that stops reading makes the server's writes back up within kilobytes. RFC 6455 framing, just
 * enough of it: masked text frames out; text, continuation and close frames in. Once
 * {@link #startReading()} runs, a thread of its own keeps counts by type and the error events
 * (never whole events).
 */
final class RawRealtimeClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final byte[] MASK = { 0x37, (byte) 0xfa, 0x21, 0x3d };

	/** What the client read once it read again: the text events, and the close code (-1 if the connection just ended). */
	record Drained(List<String> events, int closeCode) {
	}

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private final List<JsonNode> errors = Collections.synchronizedList(new ArrayList<>());

	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private int closeCode = -1;

	RawRealtimeClient(int port, String pathAndQuery, String bearer, int receiveBuffer) throws IOException {
		this.socket = new Socket();
		// before connect, so that the window the server sees is small from the start
		this.socket.setReceiveBufferSize(receiveBuffer);
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.socket.setSoTimeout(60_000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
		String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				+ "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + bearer + "\r\n\r\n";
		this.out.write(request.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		String status = readHeaders();
		if (!status.startsWith("HTTP/1.1 101")) {
			throw new IOException("no upgrade: " + status);
		}
	}

	/** {@code text} as a masked text frame, ready to send as many times as needed. */
	static byte[] frame(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (((long) payload.length >>> shift) & 0xff));
			}
		}
		frame.write(MASK, 0, 4);
		for (int i = 0; i < payload.length; i++) {
			payload[i] ^= MASK[i & 3];
		}
		frame.write(payload, 0, payload.length);
		return frame.toByteArray();
	}

	void send(String text) throws IOException {
		sendFrame(frame(text));
	}

	void sendFrame(byte[] frame) throws IOException {
		this.out.write(frame);
		this.out.flush();
	}

	/** Sends unless the connection has ended meanwhile. */
	boolean trySendFrame(byte[] frame) {
		try {
			sendFrame(frame);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Reads text events until one contains {@code marker}; returns it. */
	String readUntil(String marker) throws IOException {
		while (true) {
			String event = readMessage();
			if (event == null) {
				throw new EOFException("closed before " + marker);
			}
			if (event.contains(marker)) {
				return event;
			}
		}
	}

	/** Reads everything the server sends until it closes: its events and its close code. */
	Drained drain() {
		List<String> events = new ArrayList<>();
		try {
			while (true) {
				String event = readMessage();
				if (event == null) {
					return new Drained(events, this.closeCode);
				}
				events.add(event);
			}
		}
		catch (IOException ex) {
			return new Drained(events, -1);
		}
	}

	/** Reads on a thread of its own from now on, counting events by type and keeping the errors. */
	void startReading() {
		Thread reader = new Thread(() -> {
			try {
				String event;
				while ((event = readMessage()) != null) {
					JsonNode node = json.readTree(event);
					String type = node.path("type").asString();
					this.counts.computeIfAbsent(type, (key) -> new AtomicInteger()).incrementAndGet();
					if ("error".equals(type)) {
						this.errors.add(node);
					}
				}
				this.closed.complete(this.closeCode);
			}
			catch (IOException | RuntimeException ex) {
				this.closed.complete(-1);
			}
		}, "raw-realtime-client");
		reader.setDaemon(true);
		reader.start();
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

	/** Whether an error of {@code code} has come. */
	boolean hasError(String code) {
		return errors().stream().anyMatch((error) -> code.equals(error.path("error").path("code").asString()));
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

	/** The next text message, or null once a close frame came. */
	private String readMessage() throws IOException {
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		while (true) {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			long length = second & 0x7f;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			byte[] payload = new byte[(int) length];
			this.in.readFully(payload);
			int opcode = first & 0x0f;
			if (opcode == 8) {
				this.closeCode = (payload.length >= 2) ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
				return null;
			}
			if (opcode == 1 || opcode == 0) {
				message.write(payload, 0, payload.length);
				if ((first & 0x80) != 0) {
					return message.toString(StandardCharsets.UTF_8);
				}
			}
			// pings and pongs are not answered: the server sends none
		}
	}

	private String readHeaders() throws IOException {
		StringBuilder headers = new StringBuilder();
		while (!headers.toString().endsWith("\r\n\r\n")) {
			headers.append((char) this.in.readUnsignedByte());
		}
		return headers.toString();
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

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
