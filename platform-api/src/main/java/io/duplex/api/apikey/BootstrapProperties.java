package io.duplex.api.apikey;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * First-start settings.
 * @param adminKey the secret the first platform admin key gets instead of a random one, for
 * automation (at least 32 characters); also read from {@code DUPLEX_BOOTSTRAP_ADMIN_KEY}. Used
 * only when no platform admin key exists yet.
 */
@ConfigurationProperties("duplex.bootstrap")
record BootstrapProperties(@Nullable String adminKey) {
}
