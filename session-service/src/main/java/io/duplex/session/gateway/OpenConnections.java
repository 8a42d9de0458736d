package io.duplex.session.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelId;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;

import reactor.netty.http.server.HttpServer;

/**
 * The server's open connections, so that a socket whose client stopped reading can be dropped:
 * its close frame would wait behind everything the client does not read, for ever. A closed
 * connection leaves the group by itself.
 */
final class OpenConnections implements NettyServerCustomizer {

	private final ChannelGroup channels = new DefaultChannelGroup("duplex-connections", GlobalEventExecutor.INSTANCE);

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnConnection((connection) -> this.channels.add(connection.channel()));
	}

	/** Drops the connection without a word, if it is still open. */
	void abort(ChannelId id) {
		Channel channel = this.channels.find(id);
		if (channel != null) {
			channel.close();
		}
	}

}
