@NullMarked
package io.duplex.core.web;

import org.jspecify.annotations.NullMarked;
