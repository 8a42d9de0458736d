package io.duplex.session;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

import io.duplex.core.schema.ModuleSchema;

/** Realtime sessions: the gateway, per-session engine and model providers: the module's beans and its own schema, `realtime`. */
@AutoConfiguration
@ComponentScan
@ConfigurationPropertiesScan
public class SessionAutoConfiguration {

	@Bean
	ModuleSchema sessionSchema() {
		return new ModuleSchema("realtime", "classpath:db/realtime");
	}

}
