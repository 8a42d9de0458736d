package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.Ids;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.writes.SessionWrite;

/**
 * The client's item events: create, retrieve and delete, and the conversation entry an item a
 * client creates becomes (its audio, if any, is not kept).
 */
final class ClientItems {

	private ClientItems() {
	}

	/** {@code conversation.item.create}: the item goes into the conversation, the model's context and the store. */
	static void create(SessionEngine engine, ClientEvent.ConversationItemCreate create) {
		ConversationItem item = create.item();
		ProtocolError overLimit = engine.budgets().item(item, create.previousItemId(), create.eventId());
		if (overLimit != null) {
			engine.emitError(overLimit);
			return;
		}
		if (item instanceof ConversationItem.ItemReference) {
			engine.emitError(ProtocolError.INVALID_VALUE, "An item reference cannot be created; send the item itself.",
					"item.type", create.eventId());
			return;
		}
		String previous = create.previousItemId();
		if (previous != null && !"root".equals(previous) && engine.conversation().find(previous) == null) {
			engine.emitError(ProtocolError.INVALID_VALUE, "Item with previous_item_id not found: " + previous,
					"previous_item_id", create.eventId());
			return;
		}
		String id = (item.id() != null) ? item.id() : Ids.item();
		if (engine.conversation().find(id) != null) {
			engine.emitError("item_already_exists", "An item with id " + id + " already exists.", "item.id", create.eventId());
			return;
		}
		Conversation.Entry entry = entry(id, item, engine.sessionMs());
		ProtocolError full = engine.budgets().admit(engine.conversation(), entry, engine.config(), create.eventId());
		if (full != null) {
			engine.emitError(full);
			return;
		}
		engine.conversation().add("root".equals(previous) ? null : previous, entry);
		String before = engine.conversation().previousOf(id);
		engine.emit((events) -> events.conversationItemAdded(before, entry.item));
		engine.emit((events) -> events.conversationItemDone(before, entry.item));
		engine.provider().addItem(entry.context);
		engine.persist(new SessionWrite.AppendItem(engine.stored(entry, null)));
	}

	/** {@code conversation.item.retrieve}: the item as the conversation holds it. */
	static void retrieve(SessionEngine engine, ClientEvent.ConversationItemRetrieve retrieve) {
		Conversation.Entry entry = engine.conversation().find(retrieve.itemId());
		if (entry == null) {
			engine.emitError(ProtocolError.INVALID_VALUE, "Item with item_id not found: " + retrieve.itemId(), "item_id",
					retrieve.eventId());
			return;
		}
		engine.emit((events) -> events.conversationItemRetrieved(entry.item));
	}

	/** {@code conversation.item.delete}: out of the conversation and the context, marked deleted in the store. */
	static void delete(SessionEngine engine, ClientEvent.ConversationItemDelete delete) {
		if (engine.responses().producing(delete.itemId())) {
			engine.emitError(ProtocolError.INVALID_VALUE, "The item is still being produced; cancel the response first.",
					"item_id", delete.eventId());
			return;
		}
		if (!engine.conversation().remove(delete.itemId())) {
			engine.emitError(ProtocolError.INVALID_VALUE, "Item with item_id not found: " + delete.itemId(), "item_id",
					delete.eventId());
			return;
		}
		engine.provider().deleteItem(delete.itemId());
		engine.emit((events) -> events.conversationItemDeleted(delete.itemId()));
		engine.persist(new SessionWrite.DeleteItem(engine.grant().tenantId(), engine.sessionId(),
				engine.grant().conversationId(), delete.itemId()));
	}

	static Conversation.Entry entry(String id, ConversationItem item, long sessionMs) {
		return switch (item) {
			case ConversationItem.Message message -> message(id, message, sessionMs);
			case ConversationItem.FunctionCall call -> new Conversation.Entry(id,
					new ConversationItem.FunctionCall(id, ConversationItem.Status.COMPLETED, call.callId(), call.name(),
							call.arguments()),
					new ContextItem(id, "function_call", null, call.arguments(), call.name(), call.callId(), 0), 0,
					sessionMs);
			case ConversationItem.FunctionCallOutput output -> new Conversation.Entry(id,
					new ConversationItem.FunctionCallOutput(id, ConversationItem.Status.COMPLETED, output.callId(),
							output.output()),
					new ContextItem(id, "function_call_output", null, output.output(), null, output.callId(), 0), 0,
					sessionMs);
			case ConversationItem.ItemReference reference -> throw new IllegalArgumentException("not an item");
		};
	}

	private static Conversation.Entry message(String id, ConversationItem.Message message, long sessionMs) {
		List<ConversationItem.ContentPart> parts = new ArrayList<>();
		long audioMs = 0;
		for (ConversationItem.ContentPart part : message.content()) {
			if (part instanceof ConversationItem.InputAudio audio) {
				// audio a client puts in an item counts for its length; the bytes are not stored
				audioMs += (audio.audio() != null) ? AudioFormat.PCM16.durationMillis(audio.audio().length) : 0;
				parts.add(new ConversationItem.InputAudio(null, audio.transcript()));
			}
			else if (part instanceof ConversationItem.OutputAudio audio) {
				audioMs += (audio.audio() != null) ? AudioFormat.PCM16.durationMillis(audio.audio().length) : 0;
				parts.add(new ConversationItem.OutputAudio(null, audio.transcript()));
			}
			else {
				parts.add(part);
			}
		}
		ConversationItem.Message stored = new ConversationItem.Message(id, ConversationItem.Status.COMPLETED,
				message.role(), parts);
		ContextItem context = ContextItem.message(id, message.role().wireName(), HistoryItems.text(parts), audioMs);
		return new Conversation.Entry(id, stored, context, audioMs, sessionMs);
	}

}
