/** The session port: ending a tenant's live sessions when what they run on goes away. */
@NullMarked
package io.duplex.core.session;

import org.jspecify.annotations.NullMarked;
