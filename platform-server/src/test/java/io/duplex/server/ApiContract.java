package io.duplex.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document, the answers {@link OpenApiContractTests} checked against it, and
 * what they did wrong: which operations no case drove to success, which documented errors no
 * request provoked, and which answers break the document.
 */
final class ApiContract {

	private static final String ID = "https://duplex.invalid/openapi.json";

	/** Where the document and the answers go for the check from outside the JVM. */
	static final Path CAPTURED = Path.of("target", "openapi-contract");

	/** The errors that an operation documenting them must really answer to some request here. */
	private static final Set<String> PROVEN_ERRORS = Set.of("401", "403", "404", "409", "413");

	/** One operation of the document. */
	record Operation(HttpMethod method, String template, boolean hasBody) {
	}

	private final JsonMapper json;

	private final JsonNode document;

	private final SchemaRegistry registry;

	private final Map<String, Set<String>> answered = new TreeMap<>();

	final List<JsonNode> answers = new ArrayList<>();

	final Map<String, List<String>> failures = new TreeMap<>();

	ApiContract(JsonMapper json, String text) {
		this.json = json;
		ObjectNode document = (ObjectNode) this.json.readTree(text);
		this.document = document.deepCopy();
		// the whole document is one schema resource: $refs to #/components/schemas/X resolve in it
		document.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
		document.put("$id", ID);
		String resource = this.json.writeValueAsString(document);
		this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
				(builder) -> builder.schemas(Map.of(ID, resource)));
	}

	List<Operation> operations() {
		List<Operation> operations = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : this.document.path("paths").properties()) {
			for (String method : path.getValue().propertyNames()) {
				if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
					operations.add(new Operation(HttpMethod.valueOf(method.toUpperCase()), path.getKey(),
							path.getValue().path(method).has("requestBody")));
				}
			}
		}
		return operations;
	}

	/** The documented template of a path, a literal one before one with parameters. */
	String templateOf(String uri) {
		String path = uri.replaceAll("\\?.*", "");
		String found = null;
		for (String template : this.document.path("paths").propertyNames()) {
			if (path.matches(template.replaceAll("\\{[^}]+}", "[^/]+"))
					&& (found == null || found.contains("{") && !template.contains("{"))) {
				found = template;
			}
		}
		assertThat(found).as("a documented template for " + path).isNotNull();
		return found;
	}

	void check(HttpMethod verb, String template, int status, String contentType, byte[] body) {
		String method = verb.name().toLowerCase();
		String operation = verb.name() + " " + template;
		String answer = operation + " " + status;
		this.answered.computeIfAbsent(operation, (key) -> new TreeSet<>()).add(String.valueOf(status));
		ObjectNode captured = this.json.createObjectNode()
			.put("method", method)
			.put("path", template)
			.put("status", status)
			.put("content_type", contentType);
		this.answers.add(captured);
		JsonNode value = null;
		if (body.length > 0 && contentType != null && contentType.endsWith("json")) {
			value = this.json.readTree(body);
			captured.set("body", value);
		}
		else if (body.length > 0) {
			captured.put("bytes", body.length);
		}
		JsonNode responses = this.document.path("paths").path(template).path(method).path("responses");
		if (responses.isMissingNode()) {
			fail(answer, "the operation is not documented");
			return;
		}
		String code = String.valueOf(status);
		if (!responses.has(code)) {
			fail(answer, "the status is not documented (documented: " + responses.propertyNames() + ")");
			return;
		}
		JsonNode content = responses.path(code).path("content");
		if (body.length == 0) {
			if (!content.isMissingNode() && !content.isEmpty()) {
				fail(answer, "no body, but the document describes one");
			}
			return;
		}
		if (contentType == null || !content.has(contentType)) {
			fail(answer, "content type " + contentType + " is not documented (documented: "
					+ content.propertyNames() + ")");
			return;
		}
		if (!content.path(contentType).has("schema")) {
			fail(answer, "no schema for " + contentType);
			return;
		}
		if (value == null) {
			// a file (CSV, XLSX): its documented type is what a client can rely on
			return;
		}
		String pointer = "#/paths/" + escape(template) + "/" + method + "/responses/" + code + "/content/"
				+ escape(contentType) + "/schema";
		Schema schema = this.registry.getSchema(SchemaLocation.of(ID + pointer));
		for (Error error : schema.validate(value)) {
			fail(answer, error.toString());
		}
	}

	/** Operations of the document that no request here drove to a 2xx answer. */
	Set<String> undriven() {
		Set<String> undriven = new TreeSet<>();
		for (Operation operation : operations()) {
			String name = operation.method().name() + " " + operation.template();
			if (this.answered.getOrDefault(name, Set.of()).stream().noneMatch((status) -> status.startsWith("2"))) {
				undriven.add(name);
			}
		}
		return undriven;
	}

	boolean answered(String operation, String status) {
		return this.answered.getOrDefault(operation, Set.of()).contains(status);
	}

	/** Documented errors (of {@link #PROVEN_ERRORS}) that no request here provoked. */
	Set<String> unproven() {
		Set<String> unproven = new TreeSet<>();
		for (Operation operation : operations()) {
			String name = operation.method().name() + " " + operation.template();
			this.document.path("paths")
				.path(operation.template())
				.path(operation.method().name().toLowerCase())
				.path("responses")
				.propertyNames()
				.stream()
				.filter(PROVEN_ERRORS::contains)
				.filter((status) -> !this.answered.getOrDefault(name, Set.of()).contains(status))
				.forEach((status) -> unproven.add(name + " " + status));
		}
		return unproven;
	}

	void write() throws IOException {
		Files.createDirectories(CAPTURED);
		Files.writeString(CAPTURED.resolve("openapi.json"), this.document.toPrettyString());
		ArrayNode all = this.json.createArrayNode();
		this.answers.forEach(all::add);
		Files.writeString(CAPTURED.resolve("answers.json"), all.toPrettyString());
	}

	private void fail(String answer, String problem) {
		this.failures.computeIfAbsent(answer, (key) -> new ArrayList<>()).add(problem);
	}

	private static String escape(String token) {
		return token.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
	}
}
