@NullMarked
package io.duplex.core.agent;

import org.jspecify.annotations.NullMarked;
