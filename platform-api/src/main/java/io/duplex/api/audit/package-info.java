@NullMarked
package io.duplex.api.audit;

import org.jspecify.annotations.NullMarked;
