package io.duplex.session.openai;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.duplex.session.protocol.Ids;
import io.duplex.session.provider.ContextItem;

/**
 * Which upstream item and response stands for which of the engine's. The engine names everything
 * itself: items it adds get an upstream id chosen here, committed audio turns learn theirs from
 * {@code input_audio_buffer.committed} (commits are answered in order), and output items, which the
 * engine names without telling the provider, are bound to their upstream ids the first time the
 * engine mentions them (the next response's context, or a truncation). Thread-safe: the engine
 * calls from its thread, upstream events arrive on the socket's.
 */
final class Correlation {

	/** An upstream output item, and whether it carried audio (only then can it be truncated). */
	static final class Output {

		final String upstreamId;

		final String type;

		final @Nullable String callId;

		boolean audible;

		Output(String upstreamId, String type, @Nullable String callId) {
			this.upstreamId = upstreamId;
			this.type = type;
			this.callId = callId;
		}

	}

	/** A response the engine asked for, until the upstream names it. */
	static final class Pending {

		final String responseId;

		final String eventId;

		boolean cancelled;

		/** The engine was told it failed: nothing of it goes to the engine any more. */
		boolean abandoned;

		Pending(String responseId, String eventId) {
			this.responseId = responseId;
			this.eventId = eventId;
		}

		boolean cancelled() {
			return this.cancelled;
		}

	}

	private final Map<String, String> upstreamByEngine = new HashMap<>();

	private final Map<String, String> engineByUpstream = new HashMap<>();

	/** A commit not yet answered: the engine's item and the event id the commit went with. */
	private record Commit(String itemId, String eventId) {
	}

	private final Deque<Commit> commits = new ArrayDeque<>();

	private final Map<String, Output> outputs = new HashMap<>();

	private final List<Output> unbound = new ArrayList<>();

	private final Deque<Pending> requested = new ArrayDeque<>();

	private final Map<String, String> responses = new HashMap<>();

	private @Nullable String active;

	/** A fresh upstream id for the engine's item {@code engineId}. */
	synchronized String newItem(String engineId) {
		String upstreamId = Ids.item();
		bind(engineId, upstreamId);
		return upstreamId;
	}

	/** Records that the engine committed its item {@code engineId}; the event id to send the commit with. */
	synchronized String commitRequested(String engineId) {
		String eventId = Ids.event();
		this.commits.add(new Commit(engineId, eventId));
		return eventId;
	}

	/** The engine's id for the committed upstream item, if a commit was waiting for it. */
	synchronized @Nullable String committed(String upstreamId) {
		Commit commit = this.commits.poll();
		if (commit == null) {
			return null;
		}
		bind(commit.itemId(), upstreamId);
		return commit.itemId();
	}

	/** The upstream refused the commit sent as {@code eventId}; the engine's item it was for, if so. */
	synchronized @Nullable String commitRefused(@Nullable String eventId) {
		for (Commit commit : this.commits) {
			if (commit.eventId().equals(eventId)) {
				this.commits.remove(commit);
				return commit.itemId();
			}
		}
		return null;
	}

	synchronized @Nullable String engineItem(String upstreamId) {
		return this.engineByUpstream.get(upstreamId);
	}

	synchronized @Nullable String upstreamItem(String engineId) {
		return this.upstreamByEngine.get(engineId);
	}

	synchronized void outputStarted(String upstreamId, String type, @Nullable String callId) {
		Output output = new Output(upstreamId, type, callId);
		this.outputs.put(upstreamId, output);
		this.unbound.add(output);
	}

	synchronized void outputAudible(String upstreamId) {
		Output output = this.outputs.get(upstreamId);
		if (output != null) {
			output.audible = true;
		}
	}

	/**
	 * Binds the output items the engine has named since the last response: function calls by their
	 * call id, messages in the order the upstream started them. Outputs left over are ones the
	 * engine no longer has (it deleted them before naming them to the provider): their upstream ids
	 * are returned so that the upstream conversation can drop them too.
	 */
	synchronized List<String> bindOutputs(List<ContextItem> context) {
		if (this.unbound.isEmpty()) {
			return List.of();
		}
		for (ContextItem item : context) {
			boolean output = item.type().equals("function_call")
					|| (item.type().equals("message") && "assistant".equals(item.role()));
			if (output && !this.upstreamByEngine.containsKey(item.id())) {
				for (int i = 0; i < this.unbound.size(); i++) {
					Output candidate = this.unbound.get(i);
					if (candidate.type.equals(item.type())
							&& (!item.type().equals("function_call") || Objects.equals(candidate.callId, item.callId()))) {
						bind(item.id(), this.unbound.remove(i).upstreamId);
						break;
					}
				}
			}
		}
		List<String> stale = new ArrayList<>();
		for (Output output : this.unbound) {
			stale.add(output.upstreamId);
			this.outputs.remove(output.upstreamId);
		}
		this.unbound.clear();
		return stale;
	}

	/**
	 * The output to truncate for the engine's assistant item {@code engineId}. One not yet bound is
	 * the message the engine was playing when it was cut: the latest message started.
	 */
	synchronized @Nullable Output truncatable(String engineId) {
		String upstreamId = this.upstreamByEngine.get(engineId);
		if (upstreamId == null) {
			for (int i = this.unbound.size() - 1; i >= 0; i--) {
				if (this.unbound.get(i).type.equals("message")) {
					upstreamId = this.unbound.remove(i).upstreamId;
					bind(engineId, upstreamId);
					break;
				}
			}
		}
		return (upstreamId != null) ? this.outputs.get(upstreamId) : null;
	}

	synchronized void forget(String engineId) {
		String upstreamId = this.upstreamByEngine.remove(engineId);
		if (upstreamId != null) {
			this.engineByUpstream.remove(upstreamId);
			this.outputs.remove(upstreamId);
		}
	}

	/** Records that the engine asked for response {@code responseId}; the event id to send it with. */
	synchronized String responseRequested(String responseId) {
		String eventId = Ids.event();
		this.requested.add(new Pending(responseId, eventId));
		return eventId;
	}

	/** The upstream started the oldest requested response; it is returned (null if none was waiting). */
	synchronized @Nullable Pending responseCreated(String upstreamId) {
		Pending pending = this.requested.poll();
		if (pending != null) {
			if (!pending.abandoned) {
				this.responses.put(upstreamId, pending.responseId);
			}
			this.active = upstreamId;
		}
		return pending;
	}

	/** The upstream refused the {@code response.create} sent as {@code eventId}; its engine response, if so. */
	synchronized @Nullable String responseRefused(@Nullable String eventId) {
		for (Pending pending : this.requested) {
			if (pending.eventId.equals(eventId)) {
				this.requested.remove(pending);
				return pending.responseId;
			}
		}
		return null;
	}

	synchronized @Nullable String engineResponse(String upstreamId) {
		return this.responses.get(upstreamId);
	}

	/** The response is over; its engine id, if it was one of the engine's. */
	synchronized @Nullable String responseDone(String upstreamId) {
		if (upstreamId.equals(this.active)) {
			this.active = null;
		}
		return this.responses.remove(upstreamId);
	}

	/**
	 * Gives up on the engine's response {@code responseId}: none of its events reach the engine from
	 * now on. Returns its upstream id when the upstream has named it (to cancel it now); one not yet
	 * named is cancelled as soon as it is.
	 */
	synchronized @Nullable String abandon(String responseId) {
		for (Pending pending : this.requested) {
			if (pending.responseId.equals(responseId)) {
				pending.cancelled = true;
				pending.abandoned = true;
				return null;
			}
		}
		String upstreamId = null;
		for (Map.Entry<String, String> entry : this.responses.entrySet()) {
			if (entry.getValue().equals(responseId)) {
				upstreamId = entry.getKey();
			}
		}
		if (upstreamId != null) {
			this.responses.remove(upstreamId);
		}
		return upstreamId;
	}

	/**
	 * What to cancel: the upstream response in flight, or null when the upstream has not named it
	 * yet, in which case it is cancelled as soon as it is.
	 */
	synchronized @Nullable String cancel() {
		if (this.active != null) {
			return this.active;
		}
		Pending pending = this.requested.peek();
		if (pending != null) {
			pending.cancelled = true;
		}
		return null;
	}

	private void bind(String engineId, String upstreamId) {
		this.upstreamByEngine.put(engineId, upstreamId);
		this.engineByUpstream.put(upstreamId, engineId);
	}

}
