package io.duplex.billing;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

import io.duplex.core.schema.ModuleSchema;

/** Usage metering, pricing, budgets and exports: the module's beans and its own schema, `billing`. */
@AutoConfiguration
@ComponentScan
@ConfigurationPropertiesScan
public class BillingAutoConfiguration {

	@Bean
	ModuleSchema billingSchema() {
		return new ModuleSchema("billing", "classpath:db/billing");
	}

}
