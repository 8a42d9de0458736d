package io.duplex.session.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.session.SessionTestSupport;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.testing.LedgerTokens;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rollover with the real socket, VAD and sandbox: an agent that rolls over every 5 seconds holds a
 * one-minute spoken conversation, and the sandbox is watched from underneath (every upstream
 * session it opens, the context it was seeded with, every sample it was given).
 */
class RealtimeRolloverTests extends SessionTestSupport {

	@Autowired
	private UpstreamLog upstreams;

	@Autowired
	private DatabaseClient db;

	@Test
	void minuteLongConversationWhenRollingOverEveryFiveSecondsThenNothingIsLostOrRepeated() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(), Map.of("rollover", Map.of("after_seconds", 5)));
		SpeechLikeAudio audio = new SpeechLikeAudio(31).silence(400);
		for (int turn = 0; turn < 17; turn++) {
			audio.speech(1_000 + 50 * (turn % 5)).silence(2_400);
		}
		short[] samples = audio.samples();
		String sessionId;
		List<JsonNode> received;
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			sessionId = client.await("session.created").path("session").path("id").asString();
			client.streamPcm(samples);
			// the last turn's answer
			client.await((event) -> "response.done".equals(event.path("type").asString())
					&& client.received().stream().filter((e) -> "response.done".equals(e.path("type").asString())).count() >= 17,
					Duration.ofSeconds(15));
			received = client.received();
			assertThat(client.schemaViolations()).isEmpty();
		}

		List<JsonNode> rollovers = received.stream()
			.filter((event) -> "duplex.session.rollover".equals(event.path("type").asString()))
			.toList();
		List<JsonNode> completed = rollovers.stream()
			.filter((event) -> "completed".equals(event.path("phase").asString()))
			.toList();
		assertThat(completed).hasSizeGreaterThanOrEqualTo(5);
		// started, completed, started, completed ...: segment 2, 3, 4 ... each announced, then done
		for (int i = 0; i < completed.size(); i++) {
			assertThat(rollovers.get(2 * i).path("phase").asString()).isEqualTo("started");
			assertThat(rollovers.get(2 * i).path("segment").asInt()).isEqualTo(i + 2);
			assertThat(rollovers.get(2 * i + 1)).isEqualTo(completed.get(i));
			assertThat(completed.get(i).path("segment").asInt()).isEqualTo(i + 2);
			assertThat(completed.get(i).path("reason").asString()).isEqualTo("scheduled");
		}
		assertThat(received).filteredOn((event) -> "error".equals(event.path("type").asString())).isEmpty();

		List<Upstream> opened = this.upstreams.ofSession(sessionId);
		assertThat(opened).hasSize(completed.size() + 1);
		// every sample the client sent reached exactly one upstream, once, in order
		short[] delivered = concat(opened);
		assertThat(delivered).isEqualTo(samples);
		// each later upstream was seeded with the conversation so far, as text
		assertThat(opened.get(0).context).isEmpty();
		for (int i = 1; i < opened.size(); i++) {
			List<ContextItem> context = opened.get(i).context;
			assertThat(context).isNotEmpty().allMatch((item) -> item.audioMs() == 0);
			assertThat(context.size()).isGreaterThan(opened.get(i - 1).context.size());
			assertThat(context.get(0).text()).matches("\\(\\d\\.\\d seconds of speech\\)");
			assertThat(completed.get(i - 1).path("carried_items").asInt()).isEqualTo(context.size());
		}

		Map<String, Object> transcript = RealtimeVoiceTests.await(
				() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/transcript"),
				(body) -> ((List<?>) body.get("items")).size() == 34);
		List<?> items = (List<?>) transcript.get("items");
		assertThat(items).hasSize(34);
		for (int i = 0; i < items.size(); i++) {
			assertThat(((Map<?, ?>) items.get(i)).get("role")).isEqualTo((i % 2 == 0) ? "user" : "assistant");
		}

		Map<String, Object> session = RealtimeVoiceTests.await(
				() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId),
				(body) -> "ended".equals(body.get("status")));
		List<?> segments = (List<?>) session.get("segments");
		assertThat(segments).hasSize(opened.size());
		for (int i = 0; i < segments.size(); i++) {
			Map<?, ?> segment = (Map<?, ?>) segments.get(i);
			assertThat(segment.get("sequence")).isEqualTo(i + 1);
			assertThat(segment.get("reason")).isEqualTo((i == 0) ? "initial" : "scheduled");
			assertThat(segment.get("ended_at")).isNotNull();
		}
		// usage is attributed to segments, and the segments add up to the session's totals
		Map<?, ?> totals = (Map<?, ?>) session.get("usage");
		long sessionTokens = ((Number) totals.get("total_tokens")).longValue();
		Map<Integer, Long> bySegment = LedgerTokens.bySegment(this.db, sessionId);
		assertThat(bySegment).hasSizeGreaterThanOrEqualTo(5);
		long ledgerTokens = bySegment.values().stream().mapToLong(Long::longValue).sum();
		assertThat(ledgerTokens).isEqualTo(sessionTokens);
	}

	@Test
	void upstreamDropsMidResponseThenResponseFailsAndTheSessionResumesOnANewUpstream() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			client.streamPcm(new SpeechLikeAudio(41).silence(300).speech(2_500).silence(700).samples());
			JsonNode firstDelta = client.await("response.output_audio.delta");
			List<Upstream> before = this.upstreams.ofSession(sessionId);
			assertThat(before).hasSize(1);
			// the upstream is gone, as a provider reports a dropped connection
			before.get(0).listener.onEvent(new ProviderEvent.Failed("upstream_closed", "The upstream closed.", true));

			JsonNode failed = client.awaitAfter(firstDelta, "response.done");
			assertThat(failed.path("response").path("status").asString()).isEqualTo("failed");
			JsonNode started = client.awaitAfter(firstDelta, "duplex.session.rollover");
			assertThat(started.path("phase").asString()).isEqualTo("started");
			assertThat(started.path("reason").asString()).isEqualTo("upstream-failure");
			JsonNode completed = client.awaitAfter(started, "duplex.session.rollover");
			assertThat(completed.path("phase").asString()).isEqualTo("completed");
			assertThat(completed.path("segment").asInt()).isEqualTo(2);

			// the conversation goes on, with its context, on the new upstream
			client.streamPcm(new SpeechLikeAudio(42).speech(1_000).silence(1_200).samples());
			JsonNode answered = client.awaitAfter(completed, "response.done");
			assertThat(answered.path("response").path("status").asString()).isEqualTo("completed");
			List<Upstream> after = this.upstreams.ofSession(sessionId);
			assertThat(after).hasSize(2);
			assertThat(after.get(1).context).extracting(ContextItem::role).contains("user", "assistant");
			assertThat(client.received()).filteredOn((event) -> "error".equals(event.path("type").asString())).isEmpty();
			assertThat(client.schemaViolations()).isEmpty();
			client.close();

			Map<String, Object> session = RealtimeVoiceTests.await(
					() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId),
					(body) -> "ended".equals(body.get("status")));
			assertThat(session.get("end_reason")).isEqualTo("client_closed");
			List<?> segments = (List<?>) session.get("segments");
			assertThat(segments.stream().map((segment) -> ((Map<?, ?>) segment).get("reason")).toList())
				.isEqualTo(List.of("initial", "upstream-failure"));
		}
	}

	@Test
	void deadlineWhileAnsweringThenTheClientIsToldTheResponseIsCancelledAndTheSessionMovesOn() {
		// the shortest cap a model may have, 60 s: its sessions must roll over 30 s before it, busy or not
		TestPlacement placement = newPlacement(10, 60);
		TestTenant tenant = newTenant();
		Map<String, Object> fields = new java.util.HashMap<>(placement.agentFields());
		fields.put("rollover", Map.of("after_seconds", 30));
		String agent = newAgent(tenant.adminKey(), fields);
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			// a long turn, so its answer is still playing when the deadline comes: no idle moment before
			client.streamPcm(new SpeechLikeAudio(51).silence(300).speech(20_000).silence(11_000).samples());
			JsonNode started = client.await((event) -> "duplex.session.rollover".equals(event.path("type").asString()),
					Duration.ofSeconds(10));
			assertThat(started.path("phase").asString()).isEqualTo("started");
			assertThat(started.path("reason").asString()).isEqualTo("model-cap");
			JsonNode cancelled = client.awaitAfter(started, "response.done");
			assertThat(cancelled.path("response").path("status").asString()).isEqualTo("cancelled");
			assertThat(cancelled.path("response").path("status_details").path("reason").asString())
				.isEqualTo("client_cancelled");
			JsonNode completed = client.awaitAfter(cancelled, "duplex.session.rollover");
			assertThat(completed.path("phase").asString()).isEqualTo("completed");
			assertThat(completed.path("reason").asString()).isEqualTo("model-cap");
			// what the user heard of the cut answer is what the new upstream was given
			List<Upstream> opened = this.upstreams.ofSession(sessionId);
			assertThat(opened).hasSize(2);
			ContextItem heard = opened.get(1).context.get(opened.get(1).context.size() - 1);
			assertThat(heard.role()).isEqualTo("assistant");
			assertThat(client.schemaViolations()).isEmpty();
		}
	}

	@Test
	void summaryCarryOnTheSandboxThenCondensedWithoutASideRequestAndTheNextAnswerReadsTheSummary() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey(),
				Map.of("rollover", Map.of("after_seconds", 5, "carry", "summary", "max_carried_tokens", 120)));
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("model=" + agent), tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			for (int i = 0; i < 6; i++) {
				client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
						+ "\"content\":[{\"type\":\"input_text\",\"text\":\"Question " + i + ": which train leaves "
						+ "Paris for Lyon earliest on Friday?\"}]}}");
			}
			JsonNode completed = client.await((event) -> "duplex.session.rollover".equals(event.path("type").asString())
					&& "completed".equals(event.path("phase").asString()), Duration.ofSeconds(15));
			List<Upstream> opened = this.upstreams.ofSession(sessionId);
			assertThat(opened).hasSize(2);
			List<ContextItem> carried = opened.get(1).context;
			assertThat(completed.path("carried_items").asInt()).isEqualTo(carried.size());
			assertThat(carried.get(0).role()).isEqualTo("system");
			assertThat(carried.get(0).text()).startsWith("Summary of the conversation so far:\n- User: Question 0:");
			assertThat(carried.getLast().text()).startsWith("Question 5:");
			// the next answer reads what was carried, not the items left behind
			client.send("{\"type\":\"response.create\"}");
			client.awaitAfter(completed, "response.done");
			assertThat(opened.get(1).responses).hasSize(1);
			assertThat(opened.get(1).responses.get(0).context()).isEqualTo(carried);
			assertThat(client.received()).filteredOn((event) -> "error".equals(event.path("type").asString())).isEmpty();
			assertThat(client.schemaViolations()).isEmpty();
		}
	}

	private java.net.URI socket(String query) {
		return java.net.URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?" + query);
	}

	private static short[] concat(List<Upstream> opened) {
		int length = 0;
		for (Upstream upstream : opened) {
			for (short[] chunk : upstream.audio) {
				length += chunk.length;
			}
		}
		short[] all = new short[length];
		int at = 0;
		for (Upstream upstream : opened) {
			for (short[] chunk : upstream.audio) {
				System.arraycopy(chunk, 0, all, at, chunk.length);
				at += chunk.length;
			}
		}
		return all;
	}

	/** One upstream session the sandbox opened: what it was seeded with and every sample it was given. */
	static final class Upstream {

		final String sessionId;

		final List<ContextItem> context;

		final List<short[]> audio = Collections.synchronizedList(new ArrayList<>());

		/** Every response it was asked for. */
		final List<ResponseSpec> responses = Collections.synchronizedList(new ArrayList<>());

		/** Where the upstream's events go: a test can make it fail through this. */
		final ProviderListener listener;

		Upstream(String sessionId, List<ContextItem> context, ProviderListener listener) {
			this.sessionId = sessionId;
			this.context = List.copyOf(context);
			this.listener = listener;
		}

	}

	/** Every upstream session opened, in order. */
	static final class UpstreamLog {

		private final List<Upstream> opened = Collections.synchronizedList(new ArrayList<>());

		List<Upstream> ofSession(String sessionId) {
			synchronized (this.opened) {
				return this.opened.stream().filter((upstream) -> upstream.sessionId.equals(sessionId)).toList();
			}
		}

	}

	@TestConfiguration
	static class Watching {

		@Bean
		UpstreamLog upstreamLog() {
			return new UpstreamLog();
		}

		/** Puts a recorder between the engine and the real sandbox provider. */
		@Bean
		static BeanPostProcessor watchSandbox(org.springframework.beans.factory.ObjectProvider<UpstreamLog> log) {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (bean instanceof ModelProvider provider && "sandbox".equals(provider.name())) {
						return new Recording(provider, log);
					}
					return bean;
				}
			};
		}

	}

	record Recording(ModelProvider sandbox,
			org.springframework.beans.factory.ObjectProvider<UpstreamLog> log) implements ModelProvider {

		@Override
		public String name() {
			return this.sandbox.name();
		}

		@Override
		public Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener) {
			Upstream upstream = new Upstream(settings.sessionId(), settings.context(), listener);
			this.log.getObject().opened.add(upstream);
			return this.sandbox.open(settings, listener).map((session) -> new Watched(session, upstream));
		}

	}

	record Watched(ProviderSession session, Upstream upstream) implements ProviderSession {

		@Override
		public String upstreamId() {
			return this.session.upstreamId();
		}

		@Override
		public void appendAudio(short[] samples, int offset, int length) {
			this.upstream.audio.add(java.util.Arrays.copyOfRange(samples, offset, offset + length));
			this.session.appendAudio(samples, offset, length);
		}

		@Override
		public void commitInput(String itemId, long audioStartMs, long audioEndMs) {
			this.session.commitInput(itemId, audioStartMs, audioEndMs);
		}

		@Override
		public void clearInput() {
			this.session.clearInput();
		}

		@Override
		public void addItem(ContextItem item) {
			this.session.addItem(item);
		}

		@Override
		public void truncateItem(String itemId, long audioEndMs, String heardText) {
			this.session.truncateItem(itemId, audioEndMs, heardText);
		}

		@Override
		public void deleteItem(String itemId) {
			this.session.deleteItem(itemId);
		}

		@Override
		public void createResponse(ResponseSpec spec) {
			this.upstream.responses.add(spec);
			this.session.createResponse(spec);
		}

		@Override
		public void cancelResponse() {
			this.session.cancelResponse();
		}

		@Override
		public void update(ProviderSettings settings) {
			this.session.update(settings);
		}

		@Override
		public void close() {
			this.session.close();
		}

	}

}
