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
		SpringApplication application = new SpringApplication(DuplexServer.class);
		application.addListeners(new EmbeddedDatabase(), new StartupBanner());
		application.run(args);
	}

}
