package io.duplex.api;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

import io.duplex.core.schema.ModuleSchema;

/**
 * The control plane: tenants, API keys, agents and their versions, the catalog and the audit
 * log, in schema {@code control}. Its REST controllers are active on processes with the
 * {@code api} role; its ports (directories other modules call) are always there.
 */
@AutoConfiguration
@ComponentScan
@ConfigurationPropertiesScan
public class ApiAutoConfiguration {

	@Bean
	ModuleSchema controlSchema() {
		return new ModuleSchema("control", "classpath:db/control");
	}

}
