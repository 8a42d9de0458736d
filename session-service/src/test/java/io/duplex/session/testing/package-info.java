/**
 * Test helpers the provider tests share: in-test implementations of the control plane's ports, a
 * listener that records a provider's events and a capture of every log line.
 */
@NullMarked
package io.duplex.session.testing;

import org.jspecify.annotations.NullMarked;
