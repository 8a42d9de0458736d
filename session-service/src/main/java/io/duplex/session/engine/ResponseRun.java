package io.duplex.session.engine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.ContentRef;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.Ids;
import io.duplex.session.protocol.RealtimeResponse;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;

/**
 * One response in flight: its output items as the model produces them, each told to the client,
 * added to the conversation and, once done, stored (an assistant item with what the user heard of
 * it); and the figures its latency is measured by.
 */
final class ResponseRun {

	private final Responses responses;

	private final SessionEngine engine;


	final RealtimeResponse response;

	final boolean audio;

	final Map<Integer, ResponseOutput> outputs = new TreeMap<>();

	@Nullable String cancelReason;

	/** The user turn this answers, when server VAD started it. */
	final @Nullable String turnItemId;

	/** When that turn's speech ended ({@link System#nanoTime()}); 0 if unknown. */
	final long speechEndedNanos;

	final long createdNanos = System.nanoTime();

	/** When the model's first output (a delta) for this response came; 0 until then. */
	long firstOutputNanos;

	/** When this response's first audio went to the client; 0 until then. */
	long firstAudioNanos;

	/** A cascade's stage figures, when it reported them. */
	ProviderEvent.@Nullable StageTimings stages;

	ResponseRun(Responses responses, SessionEngine engine, RealtimeResponse response, boolean audio,
			@Nullable String turnItemId, long speechEndedNanos) {
		this.responses = responses;
		this.engine = engine;
		this.response = response;
		this.audio = audio;
		this.turnItemId = turnItemId;
		this.speechEndedNanos = speechEndedNanos;
	}

	@Nullable ResponseOutput byItemId(String itemId) {
		for (ResponseOutput output : this.outputs.values()) {
			if (output.entry.id.equals(itemId)) {
				return output;
			}
		}
		return null;
	}

	void start(ProviderEvent.OutputItemStarted started) {
		SessionEngine engine = this.engine;
		String itemId = Ids.item();
		String previous = engine.conversation().lastId();
		ConversationItem item;
		ContextItem context;
		boolean call = "function_call".equals(started.type());
		if (call) {
			String callId = (started.callId() != null) ? started.callId() : Ids.call();
			item = new ConversationItem.FunctionCall(itemId, ConversationItem.Status.IN_PROGRESS, callId,
					String.valueOf(started.name()), "");
			context = new ContextItem(itemId, "function_call", null, "", started.name(), callId, 0);
		}
		else {
			item = new ConversationItem.Message(itemId, ConversationItem.Status.IN_PROGRESS,
					ConversationItem.Role.ASSISTANT, List.of());
			context = ContextItem.message(itemId, "assistant", "", 0);
		}
		Conversation.Entry entry = new Conversation.Entry(itemId, item, context, 0, engine.sessionMs());
		engine.conversation().add(previous, entry);
		ContentRef ref = new ContentRef(this.response.id(), itemId, started.outputIndex(), 0);
		ResponseOutput output = new ResponseOutput(started.outputIndex(), started.type(), entry, ref, started.name(),
				(item instanceof ConversationItem.FunctionCall function) ? function.callId() : null);
		this.outputs.put(started.outputIndex(), output);
		engine.emit((events) -> events.responseOutputItemAdded(this.response.id(), started.outputIndex(), item));
		engine.emit((events) -> events.conversationItemAdded(previous, item));
		if (!call) {
			engine.emit((events) -> events.responseContentPartAdded(ref,
					this.audio ? new ConversationItem.OutputAudio(null, "") : new ConversationItem.OutputText("")));
			if (this.audio) {
				this.responses.playing(output);
			}
		}
	}

	void text(int index, String delta, boolean transcript) {
		ResponseOutput output = this.outputs.get(index);
		if (output == null || output.done) {
			return;
		}
		output.text.append(delta);
		if (output.truncateAtMs == null) {
			SessionEngine engine = this.engine;
			engine.emit((events) -> transcript ? events.responseOutputAudioTranscriptDelta(output.ref, delta)
					: events.responseOutputTextDelta(output.ref, delta));
		}
	}

	void arguments(int index, String delta) {
		ResponseOutput output = this.outputs.get(index);
		if (output == null || output.done) {
			return;
		}
		output.text.append(delta);
		SessionEngine engine = this.engine;
		engine.emit((events) -> events.responseFunctionCallArgumentsDelta(this.response.id(), output.entry.id,
				index, String.valueOf(output.callId), delta));
	}

	/** Completes an output item: done events, the conversation entry, the store. */
	void finish(int index, ConversationItem.Status status) {
		ResponseOutput output = this.outputs.get(index);
		if (output == null || output.done) {
			return;
		}
		output.done = true;
		SessionEngine engine = this.engine;
		Conversation.Entry entry = output.entry;
		String produced = output.text.toString();
		String id = this.response.id();
		if ("function_call".equals(output.type)) {
			engine.emit((events) -> events.responseFunctionCallArgumentsDone(id, entry.id, index,
					String.valueOf(output.callId), String.valueOf(output.name), produced));
			entry.item = new ConversationItem.FunctionCall(entry.id, status, output.callId,
					String.valueOf(output.name), produced);
			entry.context = new ContextItem(entry.id, "function_call", null, produced, output.name, output.callId, 0);
		}
		else {
			ConversationItem.ContentPart part;
			if (this.audio) {
				engine.emit((events) -> events.responseOutputAudioDone(output.ref));
				engine.emit((events) -> events.responseOutputAudioTranscriptDone(output.ref, produced));
				part = new ConversationItem.OutputAudio(null, produced);
			}
			else {
				engine.emit((events) -> events.responseOutputTextDone(output.ref, produced));
				part = new ConversationItem.OutputText(produced);
			}
			engine.emit((events) -> events.responseContentPartDone(output.ref, part));
			entry.item = new ConversationItem.Message(entry.id, status, ConversationItem.Role.ASSISTANT, List.of(part));
			entry.audioMs = output.sentMs();
			long heardMs = (output.truncateAtMs != null) ? output.truncateAtMs : entry.audioMs;
			String heard = Responses.heardText(produced, heardMs, entry.audioMs);
			entry.truncated = output.truncateAtMs != null;
			entry.context = ContextItem.message(entry.id, "assistant", heard, heardMs);
		}
		engine.emit((events) -> events.responseOutputItemDone(id, index, entry.item));
		this.responses.itemDone(entry);
		if (entry.truncated) {
			engine.emit((events) -> events.conversationItemTruncated(entry.id, 0, (int) entry.context.audioMs()));
			engine.provider().truncateItem(entry.id, entry.context.audioMs(), entry.context.text());
		}
	}

}
