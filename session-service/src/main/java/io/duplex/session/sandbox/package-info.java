/**
 * The sandbox provider: a deterministic test-mode model, like a payment platform's test mode. It
 * does real signal work (it keeps, times and plays back PCM) but no AI and no network: it plays a
 * user's audio turn back, echoes text, calls tools on request and echoes their output, at
 * real-time pace, and reports token usage at the catalog model's rates so that metering and
 * billing can be exercised end to end. The same inputs always give the same events.
 */
@NullMarked
package io.duplex.session.sandbox;

import org.jspecify.annotations.NullMarked;
