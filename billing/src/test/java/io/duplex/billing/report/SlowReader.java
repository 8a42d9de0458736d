package io.duplex.billing.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP client on a raw socket that sends one request, reads the status line and a few bytes,
 * then reads nothing more: a truly slow reader, whose small receive window soon leaves the server
 * with bytes it cannot send.
 */
final class SlowReader implements AutoCloseable {

	private final Socket socket;

	SlowReader(int port, String key, String target) throws IOException {
		this.socket = new Socket();
		// before connecting, so the window it advertises stays small
		this.socket.setReceiveBufferSize(4096);
		this.socket.setSoTimeout(120_000);
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		this.socket.getOutputStream()
			.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		this.socket.getOutputStream().flush();
	}

	/** Waits for the answer's status line (e.g. {@code HTTP/1.1 200 OK}) and reads it, and no more. */
	String statusLine() throws IOException {
		InputStream in = this.socket.getInputStream();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		for (int b = in.read(); b != -1; b = in.read()) {
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
			}
			line.write(b);
			previous = b;
		}
		throw new IOException("closed before a status line: " + line);
	}

	/** The connection, to read the rest of the answer. */
	Socket socket() {
		return this.socket;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
