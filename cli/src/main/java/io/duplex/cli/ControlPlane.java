package io.duplex.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The REST calls that prepare a benchmark: a tenant allowed enough sessions, its admin key, a
 * sandbox agent, and room in the agent's compute pool. Blocking calls, made once before the load.
 */
final class ControlPlane {

	/**
	 * What the sessions need.
	 * @param tenant the benchmark's tenant
	 * @param key a tenant admin key of it
	 * @param agent a sandbox agent of it
	 * @param pool the agent's compute pool, {@code region/id}
	 */
	record Setup(String tenant, String key, String agent, String pool) {
	}

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI base;

	private final URI metrics;

	private final String adminKey;

	/**
	 * @param metrics where {@code /actuator/prometheus} answers: the management port, or the API's
	 * own (where it needs the platform admin key)
	 */
	ControlPlane(URI base, URI metrics, String adminKey) {
		this.base = base;
		this.metrics = metrics;
		this.adminKey = adminKey;
	}

	URI base() {
		return this.base;
	}

	/** Creates the tenant, key and agent, and raises the pool's capacity if it has no room for {@code sessions}. */
	/**
	 * @param rolloverAfter the agent's {@code rollover.after_seconds}, or {@code null} for the default
	 */
	Setup prepare(int sessions, @Nullable Integer rolloverAfter, PrintStream out) {
		String name = "bench " + Instant.now().toString().substring(0, 19);
		JsonNode tenant = call("POST", "/v1/tenants", this.adminKey,
				Map.of("name", name, "max_concurrent_sessions", Math.max(5000, sessions)));
		String tenantId = tenant.path("id").asString("");
		String key = call("POST", "/v1/tenants/" + tenantId + "/api_keys", this.adminKey,
				Map.of("name", "bench", "role", "tenant_admin")).path("secret").asString("");
		JsonNode agent = call("POST", "/v1/agents", key, (rolloverAfter != null)
				? Map.of("name", "bench", "rollover", Map.of("after_seconds", rolloverAfter)) : Map.of("name", "bench"));
		String region = agent.path("region").asString("us-east");
		String compute = agent.path("compute").asString("cpu-standard");
		out.println("Tenant " + tenantId + " (max " + tenant.path("max_concurrent_sessions").asInt(0)
				+ " sessions), agent " + agent.path("id").asString("") + " (model " + agent.path("model").asString("?")
				+ ", " + region + "/" + compute + ", rollover after " + agent.path("rollover").path("after_seconds").asInt(0)
				+ " s)");
		String poolPath = "/compute/" + region + "/" + compute;
		JsonNode pool = call("GET", "/v1" + poolPath, this.adminKey, null);
		int capacity = pool.path("max_concurrent_sessions").asInt(0);
		// some room above the largest run, for sessions of the previous run whose records are still closing
		int wanted = sessions + 100;
		if (capacity < wanted) {
			// PUT replaces the whole definition: send back what GET gave, minus the read-only object tag
			ObjectNode definition = ((ObjectNode) pool).deepCopy();
			definition.remove("object");
			definition.put("max_concurrent_sessions", wanted);
			call("PUT", "/v1/admin" + poolPath, this.adminKey, definition);
			out.println("Raised the capacity of compute pool " + region + "/" + compute + " from " + capacity + " to "
					+ wanted + " concurrent sessions");
		}
		return new Setup(tenantId, key, agent.path("id").asString(""), region + "/" + compute);
	}

	/**
	 * One scrape of the server's metrics. The key goes along: the API port answers metrics to a
	 * platform admin key only, and the management port takes it too.
	 */
	Prometheus scrape() {
		try {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.metrics.resolve("/actuator/prometheus"))
				.header("Authorization", "Bearer " + this.adminKey)
				.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new CliException("GET " + this.metrics + "/actuator/prometheus answered " + response.statusCode()
						+ ((response.statusCode() == 404) ? " (is the actuator on a management port? --metrics-url)" : "")
						+ ".");
			}
			return Prometheus.parse(response.body(), System.nanoTime());
		}
		catch (IOException ex) {
			throw new CliException("Could not scrape " + this.metrics + "/actuator/prometheus: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted.");
		}
	}

	private JsonNode call(String method, String path, String key, @Nullable Object body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.base.resolve(path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + key)
			.header("Accept", "application/json");
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response;
		try {
			response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new CliException("Could not reach " + this.base + " (" + method + " " + path + "): " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted.");
		}
		if (response.statusCode() / 100 != 2) {
			throw new CliException(method + " " + path + " answered " + response.statusCode() + ": " + detail(response.body())
					+ ((response.statusCode() == 401 || response.statusCode() == 403)
							? " (the benchmark needs a platform admin key: --key or DUPLEX_ADMIN_KEY)" : ""));
		}
		try {
			return Json.MAPPER.readTree(response.body());
		}
		catch (JacksonException ex) {
			throw new CliException(method + " " + path + " answered something that is not JSON.", ex);
		}
	}

	private static String detail(String body) {
		try {
			JsonNode problem = Json.MAPPER.readTree(body);
			return problem.path("detail").asString(problem.path("title").asString(body));
		}
		catch (JacksonException ex) {
			return body;
		}
	}

}
