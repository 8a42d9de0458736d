package io.duplex.session.conversation;

import org.springframework.stereotype.Service;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Read rules for conversations and transcripts: tenant keys only (a platform admin acts through a
 * tenant's key), every tenant role may read, and another tenant's conversation or session does
 * not exist.
 * <p>
 * Every method errors with 403 for a platform admin key and 404 when the caller's tenant has no
 * conversation (or session) with the id.
 */
@Service
class ConversationService {

	private final ConversationRepository conversations;

	ConversationService(ConversationRepository conversations) {
		this.conversations = conversations;
	}

	Mono<Conversation> require(Caller caller, String id) {
		return this.conversations.findConversation(caller.requireTenant(), id)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("conversation " + id)));
	}

	/**
	 * Live items oldest first, since a conversation reads as a transcript; the cursor
	 * {@code after} is an item id, and one that is not an item of the conversation answers 422.
	 */
	Mono<Page<ListedItem>> items(Caller caller, String id, PageRequest page) {
		return require(caller, id).flatMap((conversation) -> afterPosition(conversation, page)
			.flatMap((after) -> this.conversations
				.items(conversation.tenantId(), conversation.id(), after, page.fetchSize())
				.collectList())
			.map((rows) -> Page.of(rows, page, (row) -> row.item().id())));
	}

	/** The live items the session produced; 404 when the caller's tenant has no such session. */
	Mono<Transcript> transcript(Caller caller, String sessionId) {
		String tenantId = caller.requireTenant();
		return this.conversations.findSessionConversation(tenantId, sessionId)
			.switchIfEmpty(Mono.error(() -> Problems.notFound("session " + sessionId)))
			.flatMap((conversationId) -> this.conversations.sessionItems(tenantId, sessionId)
				.collectList()
				.map((items) -> new Transcript(sessionId, conversationId, items)));
	}

	private Mono<Long> afterPosition(Conversation conversation, PageRequest page) {
		String after = page.after();
		if (after == null) {
			return Mono.just(0L);
		}
		// a deleted item still marks its place, so a page boundary survives a delete in between
		return this.conversations.findPosition(conversation.tenantId(), conversation.id(), after)
			.switchIfEmpty(Mono.error(() -> Problems.validation("after",
					"must be the id of an item of conversation " + conversation.id())));
	}

}
