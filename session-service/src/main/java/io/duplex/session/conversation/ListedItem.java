package io.duplex.session.conversation;

import java.time.Instant;

/** A stored item with where it stands in its conversation and when it was committed, for item listings. */
record ListedItem(StoredItem item, long position, Instant createdAt) {

}
