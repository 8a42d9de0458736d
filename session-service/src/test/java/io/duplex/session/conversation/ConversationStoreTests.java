package io.duplex.session.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.duplex.session.protocol.Ids;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Committing, truncating, deleting and reading back a conversation's items. */
class ConversationStoreTests extends ConversationTestSupport {

	@Test
	void appendWhenItemsArriveThenHistoryKeepsTheirOrderAndEveryField() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		StoredItem question = items.userAudio("Hello there", 1250, 3900);
		StoredItem call = items.functionCall("call_1", "lookup", "{\"q\":1}");
		StoredItem answer = items.assistantAudio("General Kenobi", 4100, 6000);
		append(question, call, answer);

		this.store.history(items.tenantId(), items.conversationId())
			.as(StepVerifier::create)
			.expectNext(question, call, answer)
			.verifyComplete();
		assertPositions(items.conversationId(), (positions) -> assertThat(positions).containsExactly(1L, 2L, 3L));
	}

	@Test
	void appendWhenItemIdRepeatsThenSecondWriteIsIgnored() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		StoredItem first = items.userText("first");
		append(first, TestItems.withText(first, "second"));

		this.store.history(items.tenantId(), items.conversationId())
			.as(StepVerifier::create)
			.expectNext(first)
			.verifyComplete();
		assertPositions(items.conversationId(), (positions) -> assertThat(positions).containsExactly(1L));
	}

	@Test
	void appendWhenSessionsAppendConcurrentlyThenPositionsAreUniqueAndFollowEachSessionsOrder() {
		String tenantId = Ids.next("ten_");
		String conversationId = newConversation(tenantId);
		List<List<StoredItem>> writes = new ArrayList<>();
		for (int session = 0; session < 4; session++) {
			TestItems items = new TestItems(tenantId, conversationId, newSession(tenantId, conversationId));
			List<StoredItem> ofSession = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				ofSession.add(items.userText("session " + session + " item " + i));
			}
			writes.add(ofSession);
		}
		// each session writes in order, as the engine does, on its own thread; the sessions race each other
		Flux.fromIterable(writes)
			.flatMap((ofSession) -> Flux.fromIterable(ofSession)
				.concatMap(this.store::append)
				.subscribeOn(Schedulers.parallel()))
			.then()
			.as(StepVerifier::create)
			.verifyComplete();

		assertPositions(conversationId, (positions) -> assertThat(positions).hasSize(120)
			.doesNotHaveDuplicates()
			.isSorted()
			.startsWith(1L)
			.endsWith(120L));
		this.store.history(tenantId, conversationId).collectList().as(StepVerifier::create).assertNext((history) -> {
			for (List<StoredItem> ofSession : writes) {
				String sessionId = ofSession.get(0).sessionId();
				assertThat(history.stream().filter((item) -> item.sessionId().equals(sessionId)).toList())
					.containsExactlyElementsOf(ofSession);
			}
		}).verifyComplete();
	}

	@Test
	void appendWhenConversationBelongsToAnotherTenantThenErrorsAndStoresNothing() {
		TestItems owner = newSessionItems(Ids.next("ten_"));
		TestItems intruder = new TestItems(Ids.next("ten_"), owner.conversationId(), owner.sessionId());

		this.store.append(intruder.userText("not yours"))
			.as(StepVerifier::create)
			.verifyError(IllegalArgumentException.class);
		assertPositions(owner.conversationId(), (positions) -> assertThat(positions).isEmpty());
	}

	@Test
	void appendThenConversationUpdatedAtMoves() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		append(items.userText("later"));

		this.db.sql("SELECT updated_at > created_at AS moved FROM realtime.conversation WHERE id = :id")
			.bind("id", items.conversationId())
			.map((row) -> row.get("moved", Boolean.class))
			.one()
			.as(StepVerifier::create)
			.expectNext(true)
			.verifyComplete();
	}

	@Test
	void truncateReplacesTextAndItemAndSetsTruncationPoint() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		StoredItem answer = items.assistantAudio("It is sunny and warm today", 6000, 9500);
		append(answer);
		ObjectNode heard = TestItems.heardOnly(answer, "It is sunny");

		this.store.truncate(items.tenantId(), items.conversationId(), answer.id(), 1200, "It is sunny", heard)
			.as(StepVerifier::create)
			.verifyComplete();

		this.store.history(items.tenantId(), items.conversationId()).as(StepVerifier::create).assertNext((stored) -> {
			assertThat(stored.text()).isEqualTo("It is sunny");
			assertThat(stored.truncatedAtMs()).isEqualTo(1200L);
			assertThat(stored.truncated()).isTrue();
			assertThat(stored.item()).isEqualTo(heard);
			assertThat(stored.startedMs()).isEqualTo(6000L);
			assertThat(stored.endedMs()).isEqualTo(9500L);
		}).verifyComplete();
	}

	@Test
	void truncateWhenAnotherTenantAsksThenNothingChanges() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		StoredItem answer = items.assistantAudio("Untouched", 0, 1000);
		append(answer);

		this.store.truncate(Ids.next("ten_"), items.conversationId(), answer.id(), 10, null,
				TestItems.heardOnly(answer, ""))
			.as(StepVerifier::create)
			.verifyComplete();
		this.store.history(items.tenantId(), items.conversationId())
			.as(StepVerifier::create)
			.expectNext(answer)
			.verifyComplete();
	}

	@Test
	void deleteLeavesItemOutOfHistoryButKeepsItsPlace() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		StoredItem kept = items.userText("kept");
		StoredItem deleted = items.userText("deleted");
		StoredItem last = items.userText("last");
		append(kept, deleted);

		this.store.delete(items.tenantId(), items.conversationId(), deleted.id())
			.as(StepVerifier::create)
			.verifyComplete();
		append(last);

		this.store.history(items.tenantId(), items.conversationId())
			.as(StepVerifier::create)
			.expectNext(kept, last)
			.verifyComplete();
		assertPositions(items.conversationId(), (positions) -> assertThat(positions).containsExactly(1L, 2L, 3L));
	}

	@Test
	void deleteWhenAnotherTenantAsksThenItemStays() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		StoredItem item = items.userText("mine");
		append(item);

		this.store.delete(Ids.next("ten_"), items.conversationId(), item.id())
			.as(StepVerifier::create)
			.verifyComplete();
		this.store.history(items.tenantId(), items.conversationId())
			.as(StepVerifier::create)
			.expectNext(item)
			.verifyComplete();
	}

	@Test
	void historyWhenAnotherTenantAsksThenEmpty() {
		TestItems items = newSessionItems(Ids.next("ten_"));
		append(items.userText("private"));

		this.store.history(Ids.next("ten_"), items.conversationId()).as(StepVerifier::create).verifyComplete();
	}

	private TestItems newSessionItems(String tenantId) {
		String conversationId = newConversation(tenantId);
		return new TestItems(tenantId, conversationId, newSession(tenantId, conversationId));
	}

	/** Checks every position of the conversation, deleted items' too, in order. */
	private void assertPositions(String conversationId, Consumer<List<Long>> check) {
		this.db.sql("SELECT position FROM realtime.conversation_item WHERE conversation_id = :id ORDER BY position")
			.bind("id", conversationId)
			.map((row) -> row.get("position", Long.class))
			.all()
			.collectList()
			.as(StepVerifier::create)
			.assertNext(check)
			.verifyComplete();
	}

}
