package io.duplex.session.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (the tests' PostgreSQL), that a test can
 * cut off: {@link #block()} drops every connection through it and closes each new one at once
 * (a client sees its connection closed before the server ever speaks), {@link #unblock()} lets
 * connections through again. Plain threads, one per direction of a connection: test code, not a
 * reactive path.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger refused = new AtomicInteger();

	private volatile boolean blocked;

	private TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket();
		this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		Thread.ofPlatform().name("tcp-proxy-" + port()).daemon().start(this::accept);
	}

	/** A proxy on a free loopback port to {@code targetPort} on 127.0.0.1. */
	public static TcpProxy to(int targetPort) {
		try {
			return new TcpProxy(targetPort);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Drops every connection through the proxy and refuses new ones until {@link #unblock()}. */
	public void block() {
		this.blocked = true;
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
	}

	public void unblock() {
		this.blocked = false;
	}

	/** Connections closed on arrival while blocked: that the clients behind it did try. */
	public int refused() {
		return this.refused.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.blocked) {
				this.refused.incrementAndGet();
				closeQuietly(client);
				continue;
			}
			try {
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.open.add(client);
				this.open.add(target);
				if (this.blocked) {
					// block() came while this one was being connected: it may not have seen it
					closeQuietly(client);
					closeQuietly(target);
					continue;
				}
				Thread.ofPlatform().daemon().start(() -> pump(client, target));
				Thread.ofPlatform().daemon().start(() -> pump(target, client));
			}
			catch (IOException ex) {
				closeQuietly(client);
			}
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (SocketException ex) {
			// closed by block(), or by the other side
		}
		catch (IOException ex) {
			// the connection is gone either way
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void closeQuietly(Socket socket) {
		this.open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
	}

}
