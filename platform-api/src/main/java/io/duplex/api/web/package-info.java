@NullMarked
package io.duplex.api.web;

import org.jspecify.annotations.NullMarked;
