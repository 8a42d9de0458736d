package io.duplex.core.role;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Registers the annotated bean only on a process whose {@code duplex.roles} includes the role.
 * Ports that other modules call (directories, sinks) stay unconditional: only entry points (HTTP
 * endpoints, sockets, background jobs) belong to a role.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(RoleCondition.class)
public @interface ConditionalOnRole {

	DuplexRole value();

}
