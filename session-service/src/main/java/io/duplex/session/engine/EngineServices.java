package io.duplex.session.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.duplex.core.id.Ids;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.duplex.core.usage.UsageSink;
import io.duplex.session.conversation.ConversationStore;
import io.duplex.session.protocol.ClientEventDecoder;
import io.duplex.session.protocol.ServerEvents;
import io.duplex.session.protocol.SessionUpdates;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.lifecycle.SessionGrant;
import io.duplex.session.lifecycle.Sessions;
import io.duplex.session.writes.DurableWrites;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** What every session engine of this node shares: codec, stores, providers, limits, scheduler. */
@Component
public class EngineServices {

	final JsonMapper json;

	final ClientEventDecoder decoder;

	final ServerEvents events;

	/** Writes the configuration a session stores for a resume. */
	final SessionUpdates updates;

	final ConversationStore conversations;

	final Sessions sessions;

	final UsageSink usage;

	/** Stores what sessions write: retried, and spooled while the database is away. */
	final DurableWrites writes;

	final SessionLimits limits;

	final Map<String, ModelProvider> providers;

	final MeterRegistry meters;

	/** Runs engines' one-second ticks: CPU work only, never blocking. */
	final Scheduler scheduler = Schedulers.parallel();

	/** Time from an audio frame's arrival at the socket until the model has it. */
	final Timer frameLatency;

	/** Sessions this node left resumable, by why (the socket dropped, the node stopped, another socket resumed it). */
	void countDetached(String reason) {
		this.meters.counter("duplex.sessions.detached", "reason", reason).increment();
	}

	/** Resumes this node was asked to run, by outcome: {@code resumed}, or {@code refused} (claimed elsewhere first). */
	void countResume(String outcome) {
		this.meters.counter("duplex.sessions.resumes", "outcome", outcome).increment();
	}

	/** Names this process in the session records (which node holds a live session). */
	final String nodeId = Ids.newId("node");

	EngineServices(JsonMapper json, ConversationStore conversations, Sessions sessions, UsageSink usage,
			SessionLimits limits, List<ModelProvider> providers, MeterRegistry meters, DurableWrites writes) {
		this.json = json;
		this.decoder = new ClientEventDecoder(json);
		this.events = new ServerEvents(json);
		this.updates = new SessionUpdates(json);
		this.conversations = conversations;
		this.sessions = sessions;
		this.usage = usage;
		this.writes = writes;
		this.limits = limits;
		this.providers = providers.stream().collect(Collectors.toMap(ModelProvider::name, Function.identity()));
		this.meters = meters;
		this.frameLatency = Timer.builder("duplex.gateway.frame.latency")
			.description("Time the gateway adds to an input audio frame: decode, queue, hand to the model")
			.publishPercentileHistogram()
			// buckets from 10 µs: a frame takes tens of microseconds, and the default buckets start at 1 ms
			.minimumExpectedValue(Duration.ofNanos(10_000))
			.maximumExpectedValue(Duration.ofSeconds(5))
			.register(meters);
	}

	/** This process's node id, as the session records name it. */
	public String nodeId() {
		return this.nodeId;
	}

	/** A new engine for a session whose socket just opened; {@link SessionEngine#start()} runs it. */
	public SessionEngine newEngine(SessionGrant grant) {
		return new SessionEngine(this, grant);
	}

}
