package io.duplex.billing.report;

import java.util.List;
import java.util.Set;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;

/**
 * The rows of {@code GET /v1/usage} in the API document. A row is a map because its columns are
 * the report's group keys (see {@link UsageQuery#GROUP_KEYS}, and {@code tag:<key>}) in the order
 * asked, before the three totals; the generator can only call such a map an object of objects.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(DuplexRole.BILLING)
class UsageReportSchema {

	@Bean
	OpenApiCustomizer usageReportRows() {
		return (openApi) -> {
			Schema<?> report = (openApi.getComponents() != null && openApi.getComponents().getSchemas() != null)
					? openApi.getComponents().getSchemas().get("UsageReport") : null;
			if (report == null) {
				return;
			}
			Schema<Object> groupValue = new Schema<>();
			groupValue.setTypes(Set.of("string", "null"));
			groupValue.setDescription("The row's value of a group key: a date for day, true or false for estimated, "
					+ "null where the usage has none (an agent, a tag)");
			Schema<?> row = new ObjectSchema()
				.description("One group: a column per group key asked (group_by), then its totals")
				.addProperty("quantity", new StringSchema().description("The quantity, as a decimal"))
				.addProperty("cost", new StringSchema().description("The rated cost, as a decimal"))
				.addProperty("currency", new StringSchema().description("ISO 4217 code of cost"))
				.required(List.of("quantity", "cost", "currency"))
				.additionalProperties(groupValue);
			report.addProperty("object", new StringSchema()._enum(List.of("list")));
			report.addProperty("data", new ArraySchema().items(row));
			report.required(List.of("object", "data"));
		};
	}

}
