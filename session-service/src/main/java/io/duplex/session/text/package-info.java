/**
 * Text as models count it: tokens of the {@code o200k_base} encoding, for usage and for the
 * budget of context carried across a rollover.
 */
@NullMarked
package io.duplex.session.text;

import org.jspecify.annotations.NullMarked;
