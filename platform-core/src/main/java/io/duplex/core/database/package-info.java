@NullMarked
package io.duplex.core.database;

import org.jspecify.annotations.NullMarked;
