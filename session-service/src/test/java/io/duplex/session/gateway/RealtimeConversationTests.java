package io.duplex.session.gateway;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.duplex.session.SessionTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Text turns, tool calls and conversations that continue in a later session, over the real socket. */
class RealtimeConversationTests extends SessionTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void toolCallRoundTripThenTheModelSeesTheFunctionOutput() {
		TestTenant tenant = newTenant();
		Map<String, Object> tool = Map.of("type", "function", "name", "get_weather", "description", "Weather of a city",
				"parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
						"required", List.of("city")));
		String agent = newAgent(tenant.adminKey(), Map.of("tools", List.of(tool)));
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("agent=" + agent), tenant.adminKey())) {
			String sessionId = client.await("session.created").path("session").path("id").asString();
			say(client, "call get_weather {\"city\":\"Paris\"}");
			JsonNode arguments = client.await("response.function_call_arguments.done");
			assertThat(arguments.path("name").asString()).isEqualTo("get_weather");
			assertThat(json.readTree(arguments.path("arguments").asString()).path("city").asString()).isEqualTo("Paris");
			JsonNode first = client.await("response.done");
			assertThat(first.path("response").path("output").path(0).path("type").asString()).isEqualTo("function_call");
			String callId = arguments.path("call_id").asString();

			ObjectNode output = json.createObjectNode().put("type", "conversation.item.create");
			output.putObject("item").put("type", "function_call_output").put("call_id", callId).put("output",
					"{\"temp_c\":21}");
			client.send(output);
			client.send("{\"type\":\"response.create\"}");
			JsonNode second = client.awaitAfter(first, "response.done");
			JsonNode transcript = client.awaitAfter(first, "response.output_audio_transcript.done");
			assertThat(transcript.path("transcript").asString()).isEqualTo("The tool returned: {\"temp_c\":21}");
			assertThat(second.path("response").path("status").asString()).isEqualTo("completed");
			assertThat(client.schemaViolations()).isEmpty();
			client.close();

			Map<String, Object> stored = RealtimeVoiceTests.await(
					() -> get(as(tenant.adminKey()), "/v1/sessions/" + sessionId + "/transcript"),
					(body) -> ((List<?>) body.get("items")).size() == 4);
			List<String> types = ((List<?>) stored.get("items")).stream()
				.map((item) -> String.valueOf(((Map<?, ?>) item).get("type")))
				.toList();
			assertThat(types).containsExactly("message", "function_call", "function_call_output", "message");
		}
	}

	@Test
	void textModalityThenTheReplyIsTextEchoingTheUser() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("agent=" + agent), tenant.adminKey())) {
			client.await("session.created");
			client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"output_modalities\":[\"text\"]}}");
			client.await("session.updated");
			say(client, "the blue door is open");
			JsonNode text = client.await("response.output_text.done");
			assertThat(text.path("text").asString()).isEqualTo("the blue door is open");
			assertThat(client.types()).doesNotContain("response.output_audio.delta");
			assertThat(client.schemaViolations()).isEmpty();
		}
	}

	@Test
	void continueConversationThenTheNewSessionHasTheEarlierItemsAsContext() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		String userItem;
		String firstSession;
		long firstInput;
		try (RealtimeTestClient client = RealtimeTestClient.connect(socket("agent=" + agent), tenant.adminKey())) {
			firstSession = client.await("session.created").path("session").path("id").asString();
			say(client, "remember that the code is four two seven");
			userItem = client.await("conversation.item.done").path("item").path("id").asString();
			firstInput = client.await("response.done").path("response").path("usage").path("input_tokens").asLong();
		}
		String conversation = RealtimeVoiceTests.await(() -> get(as(tenant.adminKey()), "/v1/sessions/" + firstSession),
				(session) -> "ended".equals(session.get("status")))
			.get("conversation")
			.toString();

		Map<String, Object> created = post(as(tenant.adminKey()), "/v1/sessions",
				Map.of("agent", agent, "conversation", conversation));
		String secret = ((Map<?, ?>) created.get("client_secret")).get("value").toString();
		try (RealtimeTestClient client = RealtimeTestClient
			.connectAsBrowser(socket("session=" + created.get("id")), secret)) {
			assertThat(client.selectedProtocol()).isEqualTo("realtime");
			client.await("session.created");
			client.send("{\"type\":\"conversation.item.retrieve\",\"item_id\":\"" + userItem + "\"}");
			JsonNode retrieved = client.await("conversation.item.retrieved");
			assertThat(retrieved.path("item").path("content").path(0).path("text").asString())
				.isEqualTo("remember that the code is four two seven");
			say(client, "what was it");
			JsonNode done = client.await("response.done");
			assertThat(done.path("response").path("usage").path("input_tokens").asLong())
				.as("the earlier turn and reply are part of the model's input")
				.isGreaterThan(firstInput);
			assertThat(client.schemaViolations()).isEmpty();
		}
		Map<String, Object> items = RealtimeVoiceTests.await(
				() -> get(as(tenant.adminKey()), "/v1/conversations/" + conversation + "/items"),
				(page) -> ((List<?>) page.get("data")).size() == 4);
		assertThat((List<?>) items.get("data")).hasSize(4);
	}

	@Test
	void clientSecretOpensExactlyOneSocket() {
		TestTenant tenant = newTenant();
		String agent = newAgent(tenant.adminKey());
		Map<String, Object> created = post(as(tenant.adminKey()), "/v1/sessions", Map.of("agent", agent));
		String secret = ((Map<?, ?>) created.get("client_secret")).get("value").toString();
		URI uri = socket("session=" + created.get("id"));
		try (RealtimeTestClient client = RealtimeTestClient.connectAsBrowser(uri, secret)) {
			client.await("session.created");
			assertThat(RealtimeAuthTests.handshakeStatus(uri, secret)).isEqualTo(401);
		}
	}

	/** A user text item and a response request. */
	static void say(RealtimeTestClient client, String text) {
		ObjectNode create = json.createObjectNode().put("type", "conversation.item.create");
		ObjectNode item = create.putObject("item").put("type", "message").put("role", "user");
		item.putArray("content").addObject().put("type", "input_text").put("text", text);
		client.send(create);
		client.send("{\"type\":\"response.create\"}");
	}

	URI socket(String query) {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/realtime?" + query);
	}

}
