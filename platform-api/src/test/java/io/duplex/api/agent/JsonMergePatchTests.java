package io.duplex.api.agent;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMergePatchTests {

	private final JsonMapper json = JsonMapper.builder().build();

	/** The examples of RFC 7396, appendix A. */
	@ParameterizedTest(name = "{0} + {1} = {2}")
	@CsvSource(delimiter = '|', textBlock = """
			{"a":"b"}                | {"a":"c"}                    | {"a":"c"}
			{"a":"b"}                | {"b":"c"}                    | {"a":"b","b":"c"}
			{"a":"b"}                | {"a":null}                   | {}
			{"a":"b","b":"c"}        | {"a":null}                   | {"b":"c"}
			{"a":["b"]}              | {"a":"c"}                    | {"a":"c"}
			{"a":"c"}                | {"a":["b"]}                  | {"a":["b"]}
			{"a":{"b":"c"}}          | {"a":{"b":"d","c":null}}     | {"a":{"b":"d"}}
			{"a":[{"b":"c"}]}        | {"a":[1]}                    | {"a":[1]}
			["a","b"]                | ["c","d"]                    | ["c","d"]
			{"a":"b"}                | ["c"]                        | ["c"]
			{"a":"foo"}              | null                         | null
			{"a":"foo"}              | "bar"                        | "bar"
			{"e":null}               | {"a":1}                      | {"e":null,"a":1}
			[1,2]                    | {"a":"b","c":null}           | {"a":"b"}
			{}                       | {"a":{"bb":{"ccc":null}}}    | {"a":{"bb":{}}}
			""")
	void applyWhenRfcExampleThenRfcResult(String target, String patch, String result) {
		assertThat(JsonMergePatch.apply(read(target), read(patch))).isEqualTo(read(result));
	}

	@Test
	void applyWhenPatchChangesTheTypeOfAnObjectThenTheObjectIsReplaced() {
		JsonNode target = read("""
				{"turn_detection": {"type": "server_vad", "threshold": 0.5}, "name": "x"}""");
		JsonNode patch = read("""
				{"turn_detection": {"type": "semantic_vad", "eagerness": "low"}}""");
		assertThat(JsonMergePatch.apply(target, patch)).isEqualTo(read("""
				{"turn_detection": {"type": "semantic_vad", "eagerness": "low"}, "name": "x"}"""));
	}

	@Test
	void applyWhenPatchRepeatsTheTypeThenTheObjectStillMerges() {
		JsonNode target = read("""
				{"turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300}}""");
		JsonNode patch = read("""
				{"turn_detection": {"type": "server_vad", "threshold": 0.7}}""");
		assertThat(JsonMergePatch.apply(target, patch)).isEqualTo(read("""
				{"turn_detection": {"type": "server_vad", "threshold": 0.7, "prefix_padding_ms": 300}}"""));
	}

	@Test
	void applyThenNeitherArgumentChanges() {
		JsonNode target = read("""
				{"a": {"b": 1}}""");
		JsonNode patch = read("""
				{"a": {"b": null, "c": 2}}""");
		JsonMergePatch.apply(target, patch);
		assertThat(target).isEqualTo(read("""
				{"a": {"b": 1}}"""));
		assertThat(patch).isEqualTo(read("""
				{"a": {"b": null, "c": 2}}"""));
	}

	private JsonNode read(String text) {
		return this.json.readTree(text);
	}

}
