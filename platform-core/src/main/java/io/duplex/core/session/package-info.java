/** The session ports: ending a tenant's live sessions when what they run on goes away, and which sessions exist. */
@NullMarked
package io.duplex.core.session;

import org.jspecify.annotations.NullMarked;
