package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.provider.ContextItem;

/** Turns an item a client creates into a conversation entry (its audio, if any, is not kept). */
final class ClientItems {

	private ClientItems() {
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
