package io.duplex.session.conversation;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import reactor.test.StepVerifier;

/** {@code GET /v1/conversations/{id}} and its items, and that another tenant sees none of it. */
class ConversationApiTests extends ConversationTestSupport {

	@Test
	void getWhenConversationHasSessionsThenCountsLiveItemsAndListsSessionsOldestFirst() {
		Reader tenant = newReader();
		String conversationId = newConversation(tenant.id());
		String first = newSession(tenant.id(), conversationId);
		String second = newSession(tenant.id(), conversationId);
		TestItems items = new TestItems(tenant.id(), conversationId, first);
		StoredItem deleted = items.userText("gone");
		append(items.userText("one"), deleted, new TestItems(tenant.id(), conversationId, second).userText("two"));
		this.store.delete(tenant.id(), conversationId, deleted.id()).as(StepVerifier::create).verifyComplete();

		as(tenant.viewerKey()).get()
			.uri("/v1/conversations/{id}", conversationId)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id").isEqualTo(conversationId)
			.jsonPath("$.object").isEqualTo("realtime.conversation")
			.jsonPath("$.agent").isEqualTo("agt_01JDQ4S0X5V9M2KZ7W8T3H6R1C")
			.jsonPath("$.created_at").exists()
			.jsonPath("$.updated_at").exists()
			.jsonPath("$.item_count").isEqualTo(2)
			.jsonPath("$.sessions").isEqualTo(List.of(first, second));
	}

	@Test
	void itemsWhenMoreThanOnePageThenPagesOldestFirstSkippingDeletedItems() {
		Reader tenant = newReader();
		String conversationId = newConversation(tenant.id());
		TestItems items = new TestItems(tenant.id(), conversationId, newSession(tenant.id(), conversationId));
		List<StoredItem> stored = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			stored.add(items.userText("item " + i));
		}
		append(stored.toArray(StoredItem[]::new));
		this.store.delete(tenant.id(), conversationId, stored.get(2).id()).as(StepVerifier::create).verifyComplete();

		String url = "/v1/conversations/{id}/items?limit=2";
		as(tenant.viewerKey()).get()
			.uri(url, conversationId)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.object").isEqualTo("list")
			.jsonPath("$.data[*].id").isEqualTo(List.of(stored.get(0).id(), stored.get(1).id()))
			.jsonPath("$.data[0].object").isEqualTo("realtime.conversation.item")
			.jsonPath("$.data[0].type").isEqualTo("message")
			.jsonPath("$.data[0].role").isEqualTo("user")
			.jsonPath("$.data[0].status").isEqualTo("completed")
			.jsonPath("$.data[0].session").isEqualTo(items.sessionId())
			.jsonPath("$.data[0].text").isEqualTo("item 0")
			.jsonPath("$.data[0].truncated").isEqualTo(false)
			.jsonPath("$.data[0].created_at").exists()
			.jsonPath("$.data[0].item.content[0].type").isEqualTo("input_text")
			.jsonPath("$.data[0].item.content[0].text").isEqualTo("item 0")
			.jsonPath("$.has_more").isEqualTo(true)
			.jsonPath("$.first_id").isEqualTo(stored.get(0).id())
			.jsonPath("$.last_id").isEqualTo(stored.get(1).id());
		// the deleted third item is skipped, and still a valid cursor for a page that started before its deletion
		as(tenant.viewerKey()).get()
			.uri(url + "&after={after}", conversationId, stored.get(1).id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[*].id").isEqualTo(List.of(stored.get(3).id(), stored.get(4).id()))
			.jsonPath("$.has_more").isEqualTo(true);
		as(tenant.viewerKey()).get()
			.uri(url + "&after={after}", conversationId, stored.get(2).id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[*].id").isEqualTo(List.of(stored.get(3).id(), stored.get(4).id()));
		as(tenant.viewerKey()).get()
			.uri(url + "&after={after}", conversationId, stored.get(4).id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[*].id").isEqualTo(List.of(stored.get(5).id()))
			.jsonPath("$.has_more").isEqualTo(false)
			.jsonPath("$.last_id").isEqualTo(stored.get(5).id());
	}

	@Test
	void itemsWhenCursorIsNotAnItemOfTheConversationThenValidationProblem() {
		Reader tenant = newReader();
		String conversationId = newConversation(tenant.id());
		as(tenant.viewerKey()).get()
			.uri("/v1/conversations/{id}/items?after=item_nope", conversationId)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.param")
			.isEqualTo("after");
	}

	@Test
	void everyEndpointWhenAnotherTenantAsksThenNotFound() {
		Reader owner = newReader();
		Reader other = newReader();
		String conversationId = newConversation(owner.id());
		String sessionId = newSession(owner.id(), conversationId);
		append(new TestItems(owner.id(), conversationId, sessionId).userText("secret"));

		for (String uri : List.of("/v1/conversations/" + conversationId,
				"/v1/conversations/" + conversationId + "/items", "/v1/sessions/" + sessionId + "/transcript",
				"/v1/sessions/" + sessionId + "/transcript?format=vtt")) {
			as(other.viewerKey()).get()
				.uri(uri)
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://duplex.dev/problems/not-found");
		}
	}

	@Test
	void getWhenPlatformAdminAsksThenForbiddenAsOnEveryTenantEndpoint() {
		Reader tenant = newReader();
		String conversationId = newConversation(tenant.id());
		asPlatformAdmin().get()
			.uri("/v1/conversations/{id}", conversationId)
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void getWithoutCredentialThenUnauthorized() {
		this.client.get().uri("/v1/conversations/{id}", "conv_x").exchange().expectStatus().isUnauthorized();
	}

}
