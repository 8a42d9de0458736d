package io.duplex.cli;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoadSessionTests {

	private static final long MS = 1_000_000;

	@Test
	void onFrameWhenDeltasArriveLateThenLatenessIsMeasuredAgainstTheRealTimeSchedule() {
		LoadSession session = new LoadSession(0, 0);
		// 100 ms deltas: the first sets the schedule, the second is 3 ms late, the third 1 ms early
		session.onFrame(delta("resp_1", 2400), 1000 * MS, true);
		session.onFrame(delta("resp_1", 2400), 1103 * MS, true);
		session.onFrame(delta("resp_1", 2400), 1199 * MS, true);
		// a new response starts a new schedule; 2401 samples are 4802 bytes, base64 with one '=' of padding
		session.onFrame(delta("resp_2", 2401), 5000 * MS, true);
		session.onFrame(delta("resp_2", 2400), 5100 * MS, true);
		assertThat(session.lateness()).containsExactly(3 * MS, -1 * MS, 100 * MS - 2401 * 1_000_000_000L / 24_000);
		assertThat(session.audioDeltas).isEqualTo(5);
	}

	@Test
	void onFrameWhenNotMeasuringThenTheScheduleIsKeptButNothingRecorded() {
		LoadSession session = new LoadSession(0, 0);
		session.onFrame(delta("resp_1", 2400), 1000 * MS, false);
		session.onFrame(delta("resp_1", 2400), 1105 * MS, false);
		session.onFrame(delta("resp_1", 2400), 1202 * MS, true);
		assertThat(session.lateness()).containsExactly(2 * MS);
	}

	@Test
	void onFrameThenCountsTurnsResponsesAndErrors() {
		LoadSession session = new LoadSession(0, 0);
		session.state = LoadSession.State.CONNECTING;
		session.onFrame(text("{\"type\":\"session.created\",\"event_id\":\"e1\",\"session\":{}}"), 7, false);
		session.onFrame(text("{\"type\":\"input_audio_buffer.speech_started\",\"event_id\":\"e2\"}"), 8, true);
		session.onFrame(text("{\"type\":\"response.done\",\"event_id\":\"e3\"}"), 9, true);
		session.onFrame(text("{\"type\":\"error\",\"event_id\":\"e4\",\"error\":{\"type\":\"invalid_request_error\","
				+ "\"message\":\"Too fast\"}}"), 10, true);
		assertThat(session.state).isEqualTo(LoadSession.State.STREAMING);
		assertThat(session.readyNanos).isEqualTo(7);
		assertThat(session.speechStarts).isEqualTo(1);
		assertThat(session.responsesDone).isEqualTo(1);
		assertThat(session.errors).isEqualTo(1);
		assertThat(session.firstError).isEqualTo("Too fast");
	}

	@Test
	void onFrameWhenRolloversThenTheirSwitchTimesAreMeasuredAndFailuresCounted() {
		LoadSession session = new LoadSession(0, 0);
		session.onFrame(rollover("started", 2), 1000 * MS, true);
		session.onFrame(rollover("completed", 2), 1004 * MS, true);
		session.onFrame(rollover("started", 3), 6000 * MS, true);
		session.onFrame(rollover("failed", 3), 6010 * MS, true);
		session.onFrame(rollover("started", 3), 11000 * MS, false);
		session.onFrame(rollover("completed", 3), 11002 * MS, false);
		session.onFrame(rollover("started", 4), 16000 * MS, true);
		session.onFrame(rollover("completed", 4), 16007 * MS, true);
		assertThat(session.switches()).containsExactly(4 * MS, 7 * MS);
		assertThat(session.rolloversFailed).isEqualTo(1);
	}

	private static TextWebSocketFrame rollover(String phase, int segment) {
		return text("{\"type\":\"duplex.session.rollover\",\"event_id\":\"e\",\"phase\":\"" + phase + "\",\"segment\":"
				+ segment + ",\"reason\":\"scheduled\"}");
	}

	@Test
	void fieldThenReadsAStringField() {
		assertThat(LoadSession.field("{\"type\":\"a.b\",\"response_id\":\"resp_9\"", "response_id")).isEqualTo("resp_9");
		assertThat(LoadSession.field("{\"type\":\"a.b\"", "item_id")).isNull();
	}

	@Test
	void cycleThenSilenceThenTwoSecondsOfSpeechInTwentyMillisecondFrames() {
		var frames = LoadRun.cycle(LoadRun.SILENCE_SECONDS, LoadRun.SPEECH_SECONDS, LoadRun.FRAME_MS);
		assertThat(frames).hasSize(75 + 100);
		String first = frames.getFirst().toString(StandardCharsets.US_ASCII);
		assertThat(first).startsWith("{\"type\":\"input_audio_buffer.append\",\"audio\":\"");
		byte[] pcm = Base64.getDecoder().decode(Json.MAPPER.readTree(first).path("audio").asString(""));
		assertThat(pcm).hasSize(960).containsOnly(0);
	}

	/** An audio delta as the server writes it: type first, the ids, the audio last. */
	private static TextWebSocketFrame delta(String response, int samples) {
		String audio = Base64.getEncoder().encodeToString(new byte[samples * 2]);
		return text("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"" + response
				+ "\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + audio + "\"}");
	}

	private static TextWebSocketFrame text(String json) {
		return new TextWebSocketFrame(Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
	}

}
