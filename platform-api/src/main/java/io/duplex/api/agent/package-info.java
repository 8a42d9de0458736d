/**
 * Agents: a tenant's named configurations (model, voice, instructions, tools, turn detection,
 * placement, rollover), each change kept as an immutable version.
 */
@NullMarked
package io.duplex.api.agent;

import org.jspecify.annotations.NullMarked;
