package io.duplex.session.gateway;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import java.util.function.LongConsumer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelId;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;

import reactor.netty.http.server.HttpServer;

/**
 * The server's open connections, so that a socket whose client stopped reading can be dropped:
 * its close frame would wait behind everything the client does not read, for ever. A closed
 * connection leaves the group by itself.
 */
final class OpenConnections implements NettyServerCustomizer {

	/** The name Netty's WebSocket handshake gives its frame encoder. */
	private static final String WS_ENCODER = "wsencoder";

	private final ChannelGroup channels = new DefaultChannelGroup("duplex-connections", GlobalEventExecutor.INSTANCE);

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnConnection((connection) -> this.channels.add(connection.channel()));
	}

	/**
	 * Closes the WebSocket on connection {@code id} with {@code code}, then shuts its output (the
	 * client reads the close frame and the end of the stream) and closes the connection after
	 * {@code linger}, or when the client answers the close. Closing at once, as the WebSocket
	 * layer does, would reset a connection whose client is still sending (a flood that was just
	 * refused), and a reset loses the error and the close frame that were on their way to it.
	 * @return false when the connection is not (or no longer) known: the caller closes it itself
	 */
	boolean closeLingering(ChannelId id, int code, String reason, Duration linger) {
		Channel channel = this.channels.find(id);
		if (channel == null || !channel.isActive()) {
			return false;
		}
		channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener((written) -> {
			if (channel instanceof DuplexChannel duplex && written.isSuccess()) {
				duplex.shutdownOutput();
				channel.eventLoop().schedule(() -> channel.close(), linger.toMillis(), TimeUnit.MILLISECONDS);
			}
			else {
				channel.close();
			}
		});
		return true;
	}

	/**
	 * Reports each text frame of connection {@code id} once the socket has taken it, by its bytes:
	 * what a session has queued for a client includes what the WebSocket layer took from it and
	 * holds, until written.
	 * @return false when the connection is not known, or has no WebSocket encoder
	 */
	boolean onWritten(ChannelId id, LongConsumer written) {
		Channel channel = this.channels.find(id);
		if (channel == null || channel.pipeline().get(WS_ENCODER) == null) {
			return false;
		}
		channel.pipeline().addAfter(WS_ENCODER, "duplex-written", new ChannelOutboundHandlerAdapter() {
			@Override
			public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
				if (message instanceof TextWebSocketFrame frame) {
					int bytes = frame.content().readableBytes();
					ChannelPromise counted = promise.unvoid();
					counted.addListener((done) -> written.accept(bytes));
					context.write(message, counted);
				}
				else {
					context.write(message, promise);
				}
			}
		});
		return true;
	}

	/** Drops the connection without a word, if it is still open. */
	void abort(ChannelId id) {
		Channel channel = this.channels.find(id);
		if (channel != null) {
			channel.close();
		}
	}

}
