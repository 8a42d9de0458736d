package io.duplex.api.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.duplex.api.ApiTestSupport;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.tenant.TenantCredentials;
import io.duplex.test.TestKeys;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider API keys travel in once and never come back: every answer, audit entry and log line
 * (Spring, R2DBC and Duplex at DEBUG, Spring's codecs at TRACE) of writing, reading, using, rejecting and failing to open
 * them is searched for the key.
 */
class SecretsNeverLeakTests extends ApiTestSupport {

	/** At DEBUG; the codecs at TRACE, where they print what they decoded whole rather than cut short. */
	private static final Map<String, Level> LOGGERS = Map.of("io.duplex", Level.DEBUG, "org.springframework", Level.DEBUG,
			"io.r2dbc", Level.DEBUG, "reactor.netty", Level.DEBUG, "org.springframework.http.codec", Level.TRACE,
			"org.springframework.core.codec", Level.TRACE);

	@Autowired
	private ModelCatalog catalog;

	@Autowired
	private TenantCredentials credentials;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private JsonMapper json;

	@LocalServerPort
	private int port;

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	private final Map<String, Level> levels = new HashMap<>();

	private final List<String> answers = new ArrayList<>();

	@BeforeEach
	void captureLogs() {
		this.logs.start();
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.addAppender(this.logs);
		LOGGERS.forEach((name, level) -> {
			Logger logger = (Logger) LoggerFactory.getLogger(name);
			this.levels.put(name, logger.getLevel());
			logger.setLevel(level);
		});
	}

	@AfterEach
	void restoreLogs() {
		this.levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this.logs);
		this.logs.stop();
	}

	@Test
	void catalogKeyWrittenReadUsedRejectedAndUnreadableThenNeverInAnswersAuditOrLogs() {
		String key = "sk-catalog-" + UUID.randomUUID();
		String id = "leak-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> model = openAiModel(id);
		model.put("base_url", "wss://api.openai.com/v1/realtime");
		model.put("api_key", key);
		call("POST", "/v1/admin/models", TestKeys.PLATFORM_ADMIN, json(model), 201);
		call("PUT", "/v1/admin/models/" + id, TestKeys.PLATFORM_ADMIN, json(model), 200);
		call("GET", "/v1/models/" + id, TestKeys.PLATFORM_ADMIN, null, 200);
		call("GET", "/v1/models", TestKeys.PLATFORM_ADMIN, null, 200);
		call("GET", "/v1/audit?resource_id=" + id, TestKeys.PLATFORM_ADMIN, null, 200);
		Map<String, Object> invalid = new HashMap<>(model);
		invalid.put("id", id + "-bad");
		invalid.put("api_key", key + " with a space");
		invalid.put("upstream_model", "has a space");
		call("POST", "/v1/admin/models", TestKeys.PLATFORM_ADMIN, json(invalid), 422);
		Map<String, Object> moved = new HashMap<>(model);
		moved.remove("api_key");
		moved.put("base_url", "wss://elsewhere.example.com/v1/realtime");
		call("PUT", "/v1/admin/models/" + id, TestKeys.PLATFORM_ADMIN, json(moved), 422);
		this.catalog.findUpstream(id, "us-east", "openai-hosted")
			.as(StepVerifier::create)
			.assertNext((upstream) -> assertThat(upstream.realtime().apiKey()).isEqualTo(key))
			.verifyComplete();

		// a changed row does not open, and the failure says so without the key
		this.db.sql("UPDATE control.model_endpoint SET api_key_sealed = :sealed WHERE model_id = :id")
			.bind("sealed", new SecretBox(new SecretsProperties(Map.of(SECRETS_KEY_ID, SECRETS_KEY), null))
				.seal(key, "model_endpoint/another-model//realtime")
				.ciphertext())
			.bind("id", id)
			.then()
			.as(StepVerifier::create)
			.verifyComplete();
		this.catalog.findUpstream(id, "us-east", "openai-hosted")
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SecretUnreadableException.class)
				.hasMessageContaining("model_endpoint/" + id + "//realtime")
				.hasMessageNotContaining(key))
			.verify();

		assertNowhere(key);
	}

	@Test
	void tenantKeyWrittenReadUsedRejectedAndDeletedThenNeverInAnswersAuditOrLogs() {
		String key = "sk-tenant-" + UUID.randomUUID();
		TestTenant tenant = newTenant();
		String keys = "/v1/tenants/" + tenant.id() + "/provider_keys";
		call("PUT", keys + "/openai", tenant.adminKey(), json(Map.of("api_key", key)), 201);
		call("PUT", keys + "/openai", tenant.adminKey(), json(Map.of("api_key", key)), 200);
		call("GET", keys, tenant.adminKey(), null, 200);
		call("GET", keys + "/openai", tenant.adminKey(), null, 200);
		call("PUT", keys + "/openai", tenant.adminKey(), json(Map.of("api_key", key + "\n")), 422);
		call("PUT", keys + "/openai", tenant.adminKey(), "{\"api_key\": [\"" + key + "\"]}", 422);
		call("PUT", keys + "/openai", newTenant().adminKey(), json(Map.of("api_key", key)), 404);
		this.credentials.providerKey(tenant.id(), "openai").as(StepVerifier::create).expectNext(key).verifyComplete();
		call("GET", "/v1/audit", tenant.adminKey(), null, 200);
		call("DELETE", keys + "/openai", tenant.adminKey(), null, 200);

		assertNowhere(key);
	}

	/**
	 * Calls the server with the JDK's HTTP client rather than the test client, whose own DEBUG
	 * lines would show the request bodies this test sends: only the server's lines are evidence.
	 */
	private void call(String method, String path, String key, @Nullable String body, int status) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody())
			.build();
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
			this.answers.add(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private String json(Object value) {
		return this.json.writeValueAsString(value);
	}

	private void assertNowhere(String key) {
		assertThat(this.answers).isNotEmpty().allSatisfy((answer) -> assertThat(answer).doesNotContain(key));
		List<ILoggingEvent> events;
		// the access log may still be writing: the appender adds under its own lock, so copy under it
		synchronized (this.logs) {
			events = List.copyOf(this.logs.list);
		}
		List<String> lines = events.stream().map(SecretsNeverLeakTests::text).toList();
		assertThat(lines).as("captured log lines").hasSizeGreaterThan(20);
		assertThat(lines).allSatisfy((line) -> assertThat(line).doesNotContain(key));
		this.db.sql("SELECT details::text AS details FROM control.audit_event")
			.map((row) -> row.get("details", String.class))
			.all()
			.collectList()
			.as(StepVerifier::create)
			.assertNext((details) -> assertThat(details).allSatisfy((entry) -> assertThat(entry).doesNotContain(key)))
			.verifyComplete();
	}

	/** Everything a log line could write: message, arguments, MDC, and each cause with its stack. */
	private static String text(ILoggingEvent event) {
		StringBuilder text = new StringBuilder(event.getFormattedMessage()).append(' ').append(event.getMDCPropertyMap());
		if (event.getArgumentArray() != null) {
			for (Object argument : event.getArgumentArray()) {
				text.append(' ').append(argument);
			}
		}
		for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
			text.append(' ').append(cause.getClassName()).append(": ").append(cause.getMessage());
			for (StackTraceElementProxy frame : cause.getStackTraceElementProxyArray()) {
				text.append(' ').append(frame.getSTEAsString());
			}
		}
		return text.toString();
	}

	private static Map<String, Object> openAiModel(String id) {
		Map<String, Object> model = new HashMap<>();
		model.put("id", id);
		model.put("provider", "openai");
		model.put("kind", "realtime");
		model.put("display_name", "Leak probe");
		model.put("context_window", 16000);
		model.put("max_session_seconds", 600);
		model.put("input_audio_tokens_per_second", 10);
		model.put("output_audio_tokens_per_second", 20);
		model.put("modalities", List.of("text", "audio"));
		model.put("voices", List.of("alloy"));
		model.put("regions", List.of("us-east"));
		model.put("compute", List.of("openai-hosted"));
		Map<String, Object> prices = new HashMap<>();
		for (String kind : List.of("text_input", "text_cached_input", "text_output", "audio_input",
				"audio_cached_input", "audio_output")) {
			prices.put(kind, "1");
		}
		model.put("price_per_million_tokens", prices);
		return model;
	}

}
