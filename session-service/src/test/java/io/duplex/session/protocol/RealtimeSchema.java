package io.duplex.session.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Checks realtime events against OpenAI's own schemas: the {@code components.schemas} of the
 * OpenAI Realtime subset of the official OpenAPI document, which sits beside this class. Tests
 * of the codec use it, and so can tests of the live socket: hand it every frame the server sends
 * ({@link #assertValidServerEvent(String)}) or the client sends
 * ({@link #assertValidClientEvent(String)}). The schema is picked by the event's {@code type},
 * from the {@code type} enum of each variant of the {@code RealtimeServerEvent} and
 * {@code RealtimeClientEvent} unions. Thread-safe; {@link #get()} loads the document once per JVM.
 * <p>
 * The OpenAPI 3.1 document becomes one JSON Schema (draft 2020-12) document whose {@code $defs}
 * are the components, validated with networknt's validator. The conversion keeps every
 * constraint the document states and fixes only what does not carry over:
 * <ul>
 * <li>{@code $ref: '#/components/schemas/X'} points to {@code #/$defs/X};</li>
 * <li>{@code nullable: true} (OpenAPI 3.0, still used on {@code tracing}) and {@code default: null}
 * (on {@code noise_reduction}, whose description says null turns it off) allow {@code null}, since
 * OpenAPI requires defaults to be valid, OpenAI's server sends that null, and its Agents SDK sends
 * it back;</li>
 * <li>a {@code oneOf} whose branches are all plain strings, OpenAPI's "any string, or one of these"
 * idiom ({@code conversation: "auto"}), becomes {@code anyOf}: under JSON Schema's exactly-one rule
 * the known values would match both branches and fail;</li>
 * <li>{@code discriminator}, {@code example}, {@code x-*} extensions and formats JSON Schema does
 * not define ({@code unixtime}, {@code double}) are dropped: they are documentation.</li>
 * </ul>
 * The schemas rarely forbid extra members, so this catches missing, mistyped and out-of-range
 * members, not misspelt optional ones. Vendor events ({@code duplex.*}) have no OpenAI schema: only
 * their envelope ({@code type}, {@code event_id}) is checked.
 */
public final class RealtimeSchema {

	/** The file name of the OpenAPI subset, next to this class in the test sources. */
	public static final String DOCUMENT = "openai-realtime-openapi-subset.yaml";

	/** A system property that points to another copy of the document. */
	public static final String LOCATION_PROPERTY = "duplex.realtime.openapi";

	private static final String ID = "https://duplex.invalid/openai-realtime.json";

	private static final Set<String> DOCUMENTATION = Set.of("discriminator", "example", "externalDocs", "xml",
			"nullable");

	private static final Set<String> FORMATS = Set.of("date-time", "date", "time", "duration", "email", "idn-email",
			"hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid",
			"uri-template", "json-pointer", "relative-json-pointer", "regex");

	private static final int QUOTED_JSON = 2_000;

	private static @Nullable RealtimeSchema shared;

	private final JsonMapper json = JsonMapper.builder().build();

	private final ObjectNode defs;

	private final Map<String, String> serverEvents;

	private final Map<String, String> clientEvents;

	private final SchemaRegistry registry;

	private final ConcurrentMap<String, Schema> schemas = new ConcurrentHashMap<>();

	private RealtimeSchema(JsonNode openapi) {
		JsonNode components = openapi.path("components").path("schemas");
		if (!components.isObject() || components.isEmpty()) {
			throw new IllegalStateException("The OpenAPI document has no components.schemas");
		}
		this.defs = (ObjectNode) convert(components);
		this.serverEvents = variants(components, "RealtimeServerEvent");
		this.clientEvents = variants(components, "RealtimeClientEvent");
		ObjectNode document = this.json.createObjectNode();
		document.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
		document.put("$id", ID);
		document.set("$defs", this.defs);
		String text = this.json.writeValueAsString(document);
		this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
				(builder) -> builder.schemas(Map.of(ID, text)));
	}

	/** The schemas from the test resources' copy of the document (or at {@value #LOCATION_PROPERTY}), loaded once. */
	public static synchronized RealtimeSchema get() {
		if (shared == null) {
			InputStream resource = RealtimeSchema.class.getResourceAsStream("/" + DOCUMENT);
			if (resource != null && System.getProperty(LOCATION_PROPERTY) == null) {
				// the copy among the test resources, unless a path is given
				try (InputStream in = resource) {
					shared = new RealtimeSchema(YAMLMapper.builder().build().readTree(in));
				}
				catch (IOException | JacksonException ex) {
					throw new IllegalStateException("Cannot read the OpenAPI document " + DOCUMENT, ex);
				}
			}
			else {
				shared = load(locate());
			}
		}
		return shared;
	}

	/** The schemas from the OpenAPI document (YAML or JSON) at {@code path}. */
	public static RealtimeSchema load(Path path) {
		try (InputStream in = Files.newInputStream(path)) {
			return new RealtimeSchema(YAMLMapper.builder().build().readTree(in));
		}
		catch (IOException | JacksonException ex) {
			throw new IllegalStateException("Cannot read the OpenAPI document at " + path, ex);
		}
	}

	/** Every server event type a schema exists for, e.g. {@code response.done}. */
	public Set<String> serverEventTypes() {
		return this.serverEvents.keySet();
	}

	/** Every client event type a schema exists for, e.g. {@code session.update}. */
	public Set<String> clientEventTypes() {
		return this.clientEvents.keySet();
	}

	/** The component that describes the server event {@code type}, e.g. {@code RealtimeServerEventResponseDone}. */
	public @Nullable String serverSchemaName(String type) {
		return this.serverEvents.get(type);
	}

	/** The component that describes the client event {@code type}. */
	public @Nullable String clientSchemaName(String type) {
		return this.clientEvents.get(type);
	}

	/** What is wrong with {@code event} as a server event; empty when nothing is. */
	public List<String> validateServerEvent(String event) {
		return validateEvent(event, this.serverEvents, "server");
	}

	/** What is wrong with {@code event} as a client event; empty when nothing is. */
	public List<String> validateClientEvent(String event) {
		return validateEvent(event, this.clientEvents, "client");
	}

	/** What is wrong with {@code value} as an instance of the component {@code schemaName}; empty when nothing is. */
	public List<String> validate(String schemaName, String value) {
		JsonNode node;
		try {
			node = this.json.readTree(value);
		}
		catch (JacksonException ex) {
			return List.of("not JSON: " + ex.getOriginalMessage());
		}
		return validate(schemaName, node);
	}

	/** What is wrong with {@code value} as an instance of the component {@code schemaName}; empty when nothing is. */
	public List<String> validate(String schemaName, JsonNode value) {
		if (!this.defs.has(schemaName)) {
			throw new IllegalArgumentException("The OpenAPI document has no schema " + schemaName);
		}
		Schema schema = this.schemas.computeIfAbsent(schemaName,
				(name) -> this.registry.getSchema(SchemaLocation.of(ID + "#/$defs/" + name)));
		List<String> problems = new ArrayList<>();
		for (Error error : schema.validate(value)) {
			problems.add(error.toString());
		}
		return problems;
	}

	/** Fails with every problem and the event when {@code event} is not a valid server event. */
	public void assertValidServerEvent(String event) {
		assertValid(event, validateServerEvent(event), "server");
	}

	/** Fails with every problem and the event when {@code event} is not a valid client event. */
	public void assertValidClientEvent(String event) {
		assertValid(event, validateClientEvent(event), "client");
	}

	private List<String> validateEvent(String event, Map<String, String> types, String side) {
		JsonNode node;
		try {
			node = this.json.readTree(event);
		}
		catch (JacksonException ex) {
			return List.of("not JSON: " + ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			return List.of("not a JSON object");
		}
		JsonNode type = node.get("type");
		if (type == null || !type.isString()) {
			return List.of("no string 'type' member");
		}
		String schemaName = types.get(type.stringValue());
		if (schemaName != null) {
			return validate(schemaName, node);
		}
		if (side.equals("server") && type.stringValue().startsWith("duplex.")) {
			JsonNode eventId = node.get("event_id");
			return (eventId != null && eventId.isString()) ? List.of() : List.of("no string 'event_id' member");
		}
		return List.of("no schema for the " + side + " event type '" + type.stringValue() + "'");
	}

	private static void assertValid(String event, List<String> problems, String side) {
		if (problems.isEmpty()) {
			return;
		}
		String quoted = (event.length() > QUOTED_JSON) ? event.substring(0, QUOTED_JSON) + "…" : event;
		throw new AssertionError("Not a valid " + side + " event per OpenAI's schema:\n  - "
				+ String.join("\n  - ", problems) + "\nEvent: " + quoted);
	}

	/** The event type each variant of the union {@code unionName} stands for, mapped to the variant's name. */
	private static Map<String, String> variants(JsonNode components, String unionName) {
		Map<String, String> variants = new LinkedHashMap<>();
		for (JsonNode variant : components.path(unionName).path("anyOf")) {
			String name = variant.path("$ref").stringValue("").replace("#/components/schemas/", "");
			JsonNode type = components.path(name).path("properties").path("type");
			String value = type.has("const") ? type.get("const").stringValue() : type.path("enum").path(0).stringValue(null);
			if (value == null) {
				throw new IllegalStateException(unionName + " variant " + name + " has no type enum or const");
			}
			variants.put(value, name);
		}
		if (variants.isEmpty()) {
			throw new IllegalStateException("The OpenAPI document has no variants of " + unionName);
		}
		return Collections.unmodifiableMap(variants);
	}

	/** The OpenAPI schema {@code node} as draft 2020-12 JSON Schema; see the class documentation. */
	private JsonNode convert(JsonNode node) {
		if (node.isArray()) {
			ArrayNode array = this.json.createArrayNode();
			node.forEach((element) -> array.add(convert(element)));
			return array;
		}
		if (!node.isObject()) {
			return node;
		}
		ObjectNode schema = this.json.createObjectNode();
		for (Map.Entry<String, JsonNode> member : node.properties()) {
			String name = member.getKey();
			JsonNode value = member.getValue();
			if (name.startsWith("x-") || DOCUMENTATION.contains(name)
					|| (name.equals("format") && !FORMATS.contains(value.asString()))) {
				continue;
			}
			if (name.equals("$ref") && value.isString()) {
				schema.put("$ref", value.stringValue().replace("#/components/schemas/", "#/$defs/"));
			}
			else if (name.equals("properties") || name.equals("$defs") || name.equals("patternProperties")) {
				// member names here are the instance's, not keywords: keep every one, convert the schemas
				ObjectNode members = this.json.createObjectNode();
				value.properties().forEach((entry) -> members.set(entry.getKey(), convert(entry.getValue())));
				schema.set(name, members);
			}
			else {
				schema.set(name, convert(value));
			}
		}
		if (schema.has("oneOf") && allPlainStrings(schema.get("oneOf"))) {
			schema.set("anyOf", schema.remove("oneOf"));
		}
		boolean nullable = node.path("nullable").asBoolean(false) || (node.has("default") && node.get("default").isNull());
		return (nullable && !allowsNull(schema)) ? withNull(schema) : schema;
	}

	private static boolean allPlainStrings(JsonNode branches) {
		for (JsonNode branch : branches) {
			if (!"string".equals(branch.path("type").stringValue(null)) || branch.has("$ref")) {
				return false;
			}
		}
		return !branches.isEmpty();
	}

	private static boolean allowsNull(JsonNode schema) {
		JsonNode type = schema.get("type");
		if (type != null) {
			for (JsonNode each : type.isArray() ? type : List.of(type)) {
				if ("null".equals(each.stringValue(null))) {
					return true;
				}
			}
		}
		for (String union : List.of("anyOf", "oneOf")) {
			for (JsonNode branch : schema.path(union)) {
				if ("null".equals(branch.path("type").stringValue(null))) {
					return true;
				}
			}
		}
		return false;
	}

	private ObjectNode withNull(ObjectNode schema) {
		JsonNode type = schema.get("type");
		if (type != null && type.isString()) {
			schema.set("type", this.json.createArrayNode().add(type.stringValue()).add("null"));
			if (schema.get("enum") instanceof ArrayNode values) {
				values.addNull();
			}
			return schema;
		}
		ObjectNode either = this.json.createObjectNode();
		either.putArray("anyOf").add(schema).addObject().put("type", "null");
		return either;
	}

	private static Path locate() {
		List<Path> tried = new ArrayList<>();
		String property = System.getProperty(LOCATION_PROPERTY);
		if (property != null) {
			return Path.of(property);
		}
		// the document is kept with the test sources; find them from the compiled classes
		// (module/target/test-classes), whatever the working directory
		try {
			Path classes = Path.of(RealtimeSchema.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			Path module = classes.getParent().getParent();
			tried.add(module.resolve("src/test/java/io/duplex/session/protocol").resolve(DOCUMENT));
		}
		catch (URISyntaxException | RuntimeException ex) {
			// not loaded from a directory: fall through to the working directory
		}
		tried.add(Path.of("src/test/java/io/duplex/session/protocol").resolve(DOCUMENT));
		tried.add(Path.of("session-service/src/test/java/io/duplex/session/protocol").resolve(DOCUMENT));
		for (Path path : tried) {
			if (Files.isRegularFile(path)) {
				return path;
			}
		}
		throw new IllegalStateException("Cannot find " + DOCUMENT + "; looked at " + tried + ". Set -D"
				+ LOCATION_PROPERTY + " to its path.");
	}

}
