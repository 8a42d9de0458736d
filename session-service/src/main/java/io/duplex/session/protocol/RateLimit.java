package io.duplex.session.protocol;

/**
 * One limit of {@code rate_limits.updated}, sent as a response starts, with the tokens the
 * response may still use counted as spent.
 * @param name {@code requests} or {@code tokens}
 * @param resetSeconds seconds until the limit resets
 */
public record RateLimit(String name, long limit, long remaining, double resetSeconds) {

}
