package io.duplex.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

import io.duplex.test.RestApi;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole platform as deployed, all roles on, against a real PostgreSQL. */
@SpringBootTest(classes = DuplexServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN, "logging.level.duplex.access=INFO",
				TenantResources.SECRETS_KEY_PROPERTY })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
@ExtendWith(OutputCaptureExtension.class)
class PlatformServerTests {

	@Autowired
	private WebTestClient client;

	@Test
	void healthIsPublicAndReadinessIncludesTheDatabase() {
		expectLiveAndReady(this.client);
	}

	/** Liveness and readiness (with the database) answer UP to {@code client}, which sends no key. */
	static void expectLiveAndReady(WebTestClient client) {
		client.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.r2dbc.status")
			.isEqualTo("UP");
	}

	@Test
	void prometheusOnTheApiPortExposesRequestMetricsToPlatformAdminsOnly() {
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		TenantResources tenant = new TenantResources(this.client);
		this.client.get()
			.uri("/actuator/prometheus")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.adminKey)
			.exchange()
			.expectStatus()
			.isForbidden();
		String metrics = RestApi.okText(this.client.get()
			.uri("/actuator/prometheus")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
			.exchange());
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
		Map<?, ?> document = RestApi.ok(this.client.get()
			.uri("/v3/api-docs")
			.exchange());
		assertThat(document.get("openapi").toString()).startsWith("3.1");
		Map<?, ?> paths = (Map<?, ?>) document.get("paths");
		assertThat(paths).isNotEmpty();

		TenantResources fixture = new TenantResources(this.client);
		List<String> answered404 = new ArrayList<>();
		for (var entry : paths.entrySet()) {
			String template = (String) entry.getKey();
			Map<?, ?> operations = (Map<?, ?>) entry.getValue();
			String path = fixture.fill(template);
			HttpMethod method = operations.containsKey("get") ? HttpMethod.GET
					: HttpMethod.valueOf(operations.keySet().iterator().next().toString().toUpperCase());
			WebTestClient.RequestBodySpec request = this.client.method(method)
				.uri(path)
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + (platformWide(template) ? TestKeys.PLATFORM_ADMIN
						: fixture.adminKey));
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

	private static boolean platformWide(String template) {
		return template.startsWith("/v1/admin") || template.equals("/v1/tenants");
	}

}
