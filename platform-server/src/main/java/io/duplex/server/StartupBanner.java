package io.duplex.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/** Says where the platform answers, once it is ready. */
class StartupBanner implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger banner = LoggerFactory.getLogger("duplex.bootstrap");

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		Environment environment = event.getApplicationContext().getEnvironment();
		String address = environment.getProperty("server.address", "127.0.0.1");
		String base = base(address,
				environment.getProperty("local.server.port", environment.getProperty("server.port", "8080")));
		// the actuator's own server, when management.server.port gives it one
		String managementPort = environment.getProperty("local.management.port");
		String management = (managementPort != null)
				? base(environment.getProperty("management.server.address", address), managementPort) : base;
		banner.info("""

				Duplex is ready (roles: {}).
				  API          {}/v1
				  OpenAPI UI   {}/swagger-ui.html
				  Health       {}/actuator/health
				  Metrics      {}/actuator/prometheus{}""", environment.getProperty("duplex.roles", "api,session,billing"),
				base, base, management, management,
				(managementPort != null) ? "" : " (with a platform admin key)");
	}

	private static String base(String address, String port) {
		return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
	}

}
