/**
 * Secrets at rest: provider API keys (the catalog's and tenants' own) are sealed with AES-GCM
 * under a configured, rotatable key ring before they reach the database, and opened only when a
 * session needs them. Features that store sealed secrets implement
 * {@link io.duplex.api.secret.SecretStore} so that one admin call re-encrypts them all.
 */
@NullMarked
package io.duplex.api.secret;

import org.jspecify.annotations.NullMarked;
