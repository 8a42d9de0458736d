@NullMarked
package io.duplex.api.apikey;

import org.jspecify.annotations.NullMarked;
