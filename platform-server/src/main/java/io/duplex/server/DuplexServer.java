package io.duplex.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The one deployable: every module is on the classpath and {@code duplex.roles} decides which
 * entry points are active. Without a database URL it starts an embedded PostgreSQL first.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class DuplexServer {

	public static void main(String[] args) {
		// Netty checks every buffer access for a released buffer and an index out of range; unmasking
		// each WebSocket frame reads it four bytes at a time, so with an audio frame every 20 ms per
		// session those checks were a tenth of the I/O threads' time. An explicit setting still wins.
		setIfAbsent("io.netty.buffer.checkAccessible", "false");
		setIfAbsent("io.netty.buffer.checkBounds", "false");
		SpringApplication application = new SpringApplication(DuplexServer.class);
		application.addListeners(new EmbeddedDatabase(), new StartupBanner());
		application.run(args);
	}

	private static void setIfAbsent(String property, String value) {
		if (System.getProperty(property) == null) {
			System.setProperty(property, value);
		}
	}

}
