@NullMarked
package io.duplex.core.audit;

import org.jspecify.annotations.NullMarked;
