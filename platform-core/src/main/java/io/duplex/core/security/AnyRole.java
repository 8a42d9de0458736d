package io.duplex.core.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an operation (or every operation of a controller) that any valid key may call, whatever
 * its role and whether it has a tenant: nothing on its path calls one of {@link Caller}'s
 * {@code require...} checks that answer 403. The API document lists no 403 for it; every other
 * operation documents one. The contract test of the document drives each operation with every
 * role, so a wrong mark fails the build.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AnyRole {

}
