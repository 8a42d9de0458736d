package io.duplex.core.role;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code duplex.roles} (comma separated, all roles when unset) names the role. */
class RoleCondition implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
		if (attributes == null) {
			return true;
		}
		DuplexRole role = (DuplexRole) attributes.get("value");
		return activeRoles(context.getEnvironment()).contains(role);
	}

	static Set<DuplexRole> activeRoles(Environment environment) {
		String configured = environment.getProperty("duplex.roles", "api,session,billing");
		return Arrays.stream(configured.split(","))
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.map((name) -> DuplexRole.valueOf(name.toUpperCase(Locale.ROOT)))
			.collect(Collectors.toUnmodifiableSet());
	}

}
