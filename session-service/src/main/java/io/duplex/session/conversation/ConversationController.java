package io.duplex.session.conversation;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/conversations}: a tenant's conversations and their items, read with any of the
 * tenant's keys.
 */
@RestController
@RequestMapping("/v1/conversations")
@ConditionalOnRole(DuplexRole.API)
class ConversationController {

	private final ConversationService conversations;

	ConversationController(ConversationService conversations) {
		this.conversations = conversations;
	}

	@GetMapping("/{id}")
	Mono<ConversationResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.conversations.require(caller, id).map(ConversationResponse::from);
	}

	/** Oldest first, unlike other lists: a conversation reads as a transcript. {@code after} is an item id. */
	@GetMapping("/{id}/items")
	Mono<Page<ConversationItemResponse>> items(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after) {
		return this.conversations.items(caller, id, PageRequest.of(limit, after))
			.map((page) -> page.map(ConversationItemResponse::from));
	}

}
