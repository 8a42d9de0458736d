package io.duplex.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole platform as deployed, all roles on, against a real PostgreSQL. */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN, "logging.level.duplex.access=INFO" })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class PlatformServerTests {

	private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

	@Autowired
	private WebTestClient client;

	@Test
	void healthIsPublicAndReadinessIncludesTheDatabase() {
		this.client.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		this.client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.r2dbc.status")
			.isEqualTo("UP");
	}

	@Test
	void prometheusExposesRequestMetrics() {
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
		String metrics = this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(metrics).contains("http_server_requests_seconds_count").contains("jvm_memory_used_bytes");
	}

	@Test
	void everyResponseCarriesARequestIdThatAlsoReachesTheLogLine(CapturedOutput output) {
		this.client.get()
			.uri("/v1/tenants")
			.header("X-Request-Id", "trace-me-42")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Request-Id", "trace-me-42");
		this.client.get()
			.uri("/v1/tenants")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueMatches("X-Request-Id", "req_[0-9A-Z]{26}")
			.expectBody()
			.jsonPath("$.request_id")
			.value(String.class, (id) -> assertThat(id).startsWith("req_"));
		assertThat(output.getOut()).containsPattern("\\[trace-me-42].*GET /v1/tenants 200");
	}

	@Test
	void unknownEndpointAnswersAProblemWithAStableType() {
		this.client.get()
			.uri("/v1/no-such-thing")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://duplex.dev/problems/not-found")
			.jsonPath("$.request_id")
			.exists();
	}

	@Test
	void openApiIsVersion31AndEveryDocumentedPathAnswersSomethingOtherThan404() {
		Map<?, ?> document = this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(document.get("openapi").toString()).startsWith("3.1");
		Map<?, ?> paths = (Map<?, ?>) document.get("paths");
		assertThat(paths).isNotEmpty();

		Fixture fixture = new Fixture();
		List<String> answered404 = new ArrayList<>();
		for (var entry : paths.entrySet()) {
			String template = (String) entry.getKey();
			Map<?, ?> operations = (Map<?, ?>) entry.getValue();
			String path = fixture.fill(template);
			HttpMethod method = operations.containsKey("get") ? HttpMethod.GET
					: HttpMethod.valueOf(operations.keySet().iterator().next().toString().toUpperCase());
			WebTestClient.RequestBodySpec request = this.client.method(method)
				.uri(path)
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + fixture.keyFor(template));
			int status = ((method == HttpMethod.GET || method == HttpMethod.DELETE) ? request
					: request.contentType(MediaType.APPLICATION_JSON).bodyValue("{}"))
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.value();
			if (status == 404) {
				answered404.add(method + " " + path + " (" + template + ")");
			}
		}
		assertThat(answered404).as("documented paths that answered 404").isEmpty();
	}

	/** Real resources whose ids fill the documented path templates; throwaway, as calls may change them. */
	private final class Fixture {

		private final String tenantId;

		private final String tenantKey;

		private final String keyId;

		private final String agentId;

		Fixture() {
			this.tenantId = post(TestKeys.PLATFORM_ADMIN, "/v1/tenants", Map.of("name", "openapi " + UUID.randomUUID()))
				.get("id")
				.toString();
			Map<?, ?> key = post(TestKeys.PLATFORM_ADMIN, "/v1/tenants/" + this.tenantId + "/api_keys",
					Map.of("name", "openapi", "role", "tenant_admin"));
			this.tenantKey = key.get("secret").toString();
			this.keyId = post(this.tenantKey, "/v1/tenants/" + this.tenantId + "/api_keys",
					Map.of("name", "to revoke", "role", "viewer"))
				.get("id")
				.toString();
			this.agentId = post(this.tenantKey, "/v1/agents", Map.of("name", "openapi agent")).get("id").toString();
		}

		String keyFor(String template) {
			return (template.startsWith("/v1/tenants") || template.startsWith("/v1/admin")) ? TestKeys.PLATFORM_ADMIN
					: this.tenantKey;
		}

		String fill(String template) {
			Matcher matcher = PATH_PARAMETER.matcher(template);
			StringBuilder path = new StringBuilder();
			while (matcher.find()) {
				String before = template.substring(0, matcher.start());
				matcher.appendReplacement(path, valueFor(template, before));
			}
			matcher.appendTail(path);
			return path.toString();
		}

		private String valueFor(String template, String before) {
			if (before.endsWith("/tenants/")) {
				return this.tenantId;
			}
			if (before.endsWith("/api_keys/")) {
				return this.keyId;
			}
			if (before.endsWith("/agents/")) {
				return this.agentId;
			}
			if (before.endsWith("/versions/")) {
				return "1";
			}
			if (before.endsWith("/models/")) {
				return "sandbox";
			}
			if (before.endsWith("/regions/")) {
				return "us-east";
			}
			if (before.endsWith("/compute/")) {
				return "us-east";
			}
			if (before.matches(".*/compute/[^/]+/$")) {
				return "cpu-standard";
			}
			throw new AssertionError("No value for a path parameter of " + template + ": teach this test");
		}

		private Map<?, ?> post(String key, String uri, Map<String, ?> body) {
			return PlatformServerTests.this.client.post()
				.uri(uri)
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
				.bodyValue(body)
				.exchange()
				.expectStatus()
				.isCreated()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
		}

	}

}
