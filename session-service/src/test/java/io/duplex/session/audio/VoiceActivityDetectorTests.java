package io.duplex.session.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.duplex.session.audio.VadEvent.SpeechStarted;
import io.duplex.session.audio.VadEvent.SpeechStopped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The detector on synthetic speech whose true edges are known to a millisecond. Timing
 * tolerances: {@code audio_start_ms} and {@code audio_end_ms} within one 10 ms frame of the truth
 * (two frames for the end, whose last syllable fades over 15 ms); events emitted within one
 * frame of when OpenAI's would be, i.e. onset + min speech and end + silence duration.
 */
class VoiceActivityDetectorTests {

	private static final int FRAME = VoiceActivityDetector.FRAME_MS;

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 4, 5 })
	void detectWhenSpeechStartsThenAudioStartIsOnsetMinusPrefixPadding(int seed) {
		List<Timed> events = detect(new VoiceActivityDetector(), utterance(seed, 1_000, 1_500));
		assertThat(events).hasSize(2);
		SpeechStarted started = (SpeechStarted) events.get(0).event();
		assertThat(started.audioStartMs()).isCloseTo(1_000 - 300, within((long) FRAME));
		assertThat(events.get(0).atMs()).isBetween(1_100L, 1_100L + FRAME);
	}

	@ParameterizedTest
	@ValueSource(ints = { 1_003, 1_005, 1_008 })
	void detectWhenOnsetFallsInsideAFrameThenStillWithinOneFrame(int onsetMs) {
		SpeechStarted started = (SpeechStarted) detect(new VoiceActivityDetector(), utterance(6, onsetMs, 1_200)).get(0)
			.event();
		assertThat(started.audioStartMs()).isCloseTo(onsetMs - 300L, within((long) FRAME));
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 4, 5 })
	void detectWhenSpeechEndsThenStopsAfterSilenceDuration(int seed) {
		List<Timed> events = detect(new VoiceActivityDetector(), utterance(seed, 1_000, 1_500));
		Timed stopped = events.get(1);
		long audioEndMs = ((SpeechStopped) stopped.event()).audioEndMs();
		assertThat(audioEndMs).isCloseTo(2_500L, within(2L * FRAME));
		assertThat(stopped.atMs()).isEqualTo(audioEndMs + 500);
		assertThat(stopped.atMs()).isCloseTo(2_500L + 500, within((long) FRAME));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 200, 1_000 })
	void detectWhenSilenceDurationChangedThenStopWaitsThatLong(int silenceMs) {
		VoiceActivityDetector detector = new VoiceActivityDetector(VadSettings.DEFAULTS.withSilenceDurationMs(silenceMs));
		List<Timed> events = detect(detector, utterance(7, 1_000, 1_203));
		Timed stopped = events.get(1);
		assertThat(((SpeechStopped) stopped.event()).audioEndMs()).isCloseTo(2_203L, within(2L * FRAME));
		assertThat(stopped.atMs()).isCloseTo(2_203L + Math.max(silenceMs, FRAME), within((long) FRAME));
	}

	@Test
	void detectWhenSpeechBeginsWithinThePrefixPaddingThenStartClampsToZero() {
		List<Timed> events = detect(new VoiceActivityDetector(), utterance(8, 200, 1_000));
		assertThat(events.get(0).event()).isEqualTo(new SpeechStarted(0));
	}

	@Test
	void detectWhenNoPrefixPaddingThenStartIsTheOnset() {
		VoiceActivityDetector detector = new VoiceActivityDetector(VadSettings.DEFAULTS.withPrefixPaddingMs(0));
		SpeechStarted started = (SpeechStarted) detect(detector, utterance(9, 1_000, 1_000)).get(0).event();
		assertThat(started.audioStartMs()).isCloseTo(1_000L, within((long) FRAME));
	}

	@Test
	void detectWhenFiftyMsClickInSilenceThenIgnored() {
		short[] audio = new SpeechLikeAudio(10).silence(1_000).click(50, -10).silence(1_000).click(50, -3).silence(1_000)
			.samples();
		assertThat(detect(new VoiceActivityDetector(), audio)).isEmpty();
	}

	/** The same click must count once the minimum speech length allows it, or the test above proves nothing. */
	@Test
	void detectWhenClickLongerThanMinimumSpeechThenDetected() {
		short[] audio = new SpeechLikeAudio(10).silence(1_000).click(50, -10).silence(1_000).samples();
		VoiceActivityDetector detector = new VoiceActivityDetector(VadSettings.DEFAULTS.withMinSpeechMs(40));
		assertThat(events(detect(detector, audio))).hasSize(2).first().isEqualTo(new SpeechStarted(700));
	}

	@ParameterizedTest
	@ValueSource(ints = { 150, 300, 450 })
	void detectWhenPauseShorterThanSilenceDurationThenUtteranceNotSplit(int pauseMs) {
		short[] audio = new SpeechLikeAudio(11).silence(1_000).speech(800).silence(pauseMs).speech(800).silence(1_000)
			.samples();
		List<VadEvent> events = events(detect(new VoiceActivityDetector(), audio));
		assertThat(events).hasSize(2);
		assertThat(((SpeechStopped) events.get(1)).audioEndMs()).isCloseTo(1_000L + 1_600 + pauseMs, within(2L * FRAME));
	}

	@Test
	void detectWhenPauseLongerThanSilenceDurationThenTwoUtterances() {
		short[] audio = new SpeechLikeAudio(11).silence(1_000).speech(800).silence(700).speech(800).silence(1_000).samples();
		List<VadEvent> events = events(detect(new VoiceActivityDetector(), audio));
		assertThat(events).hasSize(4);
		assertThat(((SpeechStopped) events.get(1)).audioEndMs()).isCloseTo(1_800L, within(2L * FRAME));
		assertThat(((SpeechStarted) events.get(2)).audioStartMs()).isCloseTo(2_500L - 300, within((long) FRAME));
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 4, 5 })
	void detectWhenBackgroundNoiseRaisedTwentyDbThenStillDetectsSpeech(int seed) {
		short[] audio = new SpeechLikeAudio(seed).noiseLevel(-40).silence(2_000).speech(1_500).silence(1_000).samples();
		List<VadEvent> events = events(detect(new VoiceActivityDetector(), audio));
		assertThat(events).hasSize(2);
		assertThat(((SpeechStarted) events.get(0)).audioStartMs()).isCloseTo(2_000L - 300, within(2L * FRAME));
		assertThat(((SpeechStopped) events.get(1)).audioEndMs()).isCloseTo(3_500L, within(3L * FRAME));
	}

	@ParameterizedTest
	@ValueSource(doubles = { -60, -40, -25 })
	void detectWhenOnlyBackgroundNoiseThenNoEvents(double noiseDbfs) {
		short[] audio = new SpeechLikeAudio(12).noiseLevel(noiseDbfs).silence(20_000).samples();
		VoiceActivityDetector detector = new VoiceActivityDetector(VadSettings.DEFAULTS.withThreshold(0.2));
		assertThat(detect(detector, audio)).isEmpty();
		assertThat(detector.noiseFloorDbfs()).isCloseTo(noiseDbfs, within(2.0));
	}

	@Test
	void detectWhenNoiseRisesGraduallyThenFloorFollowsWithoutEvents() {
		SpeechLikeAudio audio = new SpeechLikeAudio(20).silence(1_000);
		for (int level = -59; level <= -40; level++) {
			audio.noiseLevel(level).silence(500);
		}
		VoiceActivityDetector detector = new VoiceActivityDetector();
		assertThat(detect(detector, audio.samples())).isEmpty();
		assertThat(detector.noiseFloorDbfs()).isCloseTo(-40.0, within(2.0));
		short[] all = audio.speech(1_500).silence(1_000).samples();
		int from = 11_000 * 24;
		assertThat(detector.feed(all, from, all.length - from)).hasSize(2);
	}

	@Test
	void detectWhenHigherThresholdThenNeedsLouderSpeech() {
		short[] quiet = new SpeechLikeAudio(13).silence(1_000).speechLevel(-42).speech(1_500).silence(1_000).samples();
		short[] loud = new SpeechLikeAudio(13).silence(1_000).speechLevel(-30).speech(1_500).silence(1_000).samples();
		VadSettings strict = VadSettings.DEFAULTS.withThreshold(0.95);
		assertThat(detect(new VoiceActivityDetector(), quiet)).hasSize(2);
		assertThat(detect(new VoiceActivityDetector(strict), quiet)).isEmpty();
		assertThat(detect(new VoiceActivityDetector(strict), loud)).hasSize(2);
	}

	@Test
	void detectWhenFedInTwentyMsChunksOrOneCallOrRandomChunksThenSameEvents() {
		short[] audio = new SpeechLikeAudio(14).silence(700).speech(900).silence(300).speech(1_100).silence(900)
			.click(50, -12).silence(600).speech(700).silence(1_000).samples();
		List<VadEvent> inFrames = events(detect(new VoiceActivityDetector(), audio, 480));
		List<VadEvent> inOneCall = new VoiceActivityDetector().feed(audio);
		VoiceActivityDetector randomly = new VoiceActivityDetector();
		List<VadEvent> inRandomChunks = new ArrayList<>();
		Random random = new Random(14);
		for (int at = 0; at < audio.length;) {
			int length = Math.min(audio.length - at, random.nextInt(700));
			inRandomChunks.addAll(randomly.feed(audio, at, length));
			at += length;
		}
		assertThat(inFrames).hasSize(4).isEqualTo(inOneCall).isEqualTo(inRandomChunks);
	}

	@Test
	void isSpeakingFollowsTheEvents() {
		VoiceActivityDetector detector = new VoiceActivityDetector();
		short[] audio = utterance(15, 1_000, 1_000);
		List<Boolean> speakingAfterEvents = new ArrayList<>();
		for (int at = 0; at < audio.length; at += 240) {
			if (!detector.feed(audio, at, 240).isEmpty()) {
				speakingAfterEvents.add(detector.isSpeaking());
			}
			if (at == 1_500 * 24) {
				assertThat(detector.isSpeaking()).isTrue();
			}
		}
		assertThat(speakingAfterEvents).containsExactly(true, false);
		assertThat(detector.isSpeaking()).isFalse();
	}

	@Test
	void resetWhenSpeakingThenForgetsTheTurnButKeepsClockAndNoiseFloor() {
		VoiceActivityDetector detector = new VoiceActivityDetector();
		SpeechLikeAudio audio = new SpeechLikeAudio(16).silence(1_000).speech(600);
		detector.feed(audio.samples());
		assertThat(detector.isSpeaking()).isTrue();
		double floor = detector.noiseFloorDbfs();
		detector.reset();
		assertThat(detector.isSpeaking()).isFalse();
		assertThat(detector.audioMs()).isEqualTo(1_600);
		assertThat(detector.noiseFloorDbfs()).isEqualTo(floor);
		short[] all = audio.silence(1_000).speech(800).silence(1_000).samples();
		List<VadEvent> after = detector.feed(all, 1_600 * 24, all.length - 1_600 * 24);
		assertThat(after).hasSize(2);
		assertThat(((SpeechStarted) after.get(0)).audioStartMs()).isCloseTo(2_600L - 300, within((long) FRAME));
		assertThat(((SpeechStopped) after.get(1)).audioEndMs()).isCloseTo(3_400L, within(2L * FRAME));
	}

	@Test
	void audioMsCountsEverySampleFed() {
		VoiceActivityDetector detector = new VoiceActivityDetector();
		detector.feed(new short[100], 0, 100);
		detector.feed(new short[300], 0, 300);
		assertThat(detector.audioMs()).isEqualTo(16);
	}

	@Test
	void feedWhenRangeOutsideTheArrayThenRejectedAndClockUntouched() {
		VoiceActivityDetector detector = new VoiceActivityDetector();
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> detector.feed(new short[10], 5, -1));
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> detector.feed(new short[10], 5, 6));
		assertThat(detector.audioMs()).isZero();
	}

	/** A noise that jumps far above the floor reads as speech at first; the stuck guard must end it. */
	@Test
	void detectWhenNoiseStepsUpPermanentlyThenRecoversWithinFiveSeconds() {
		short[] audio = new SpeechLikeAudio(17).silence(2_000).noiseLevel(-35).silence(15_000).samples();
		VoiceActivityDetector detector = new VoiceActivityDetector();
		List<Timed> events = detect(detector, audio);
		assertThat(events).hasSizeLessThanOrEqualTo(2);
		if (!events.isEmpty()) {
			assertThat(events.get(events.size() - 1).event()).isInstanceOf(SpeechStopped.class);
			assertThat(events.get(events.size() - 1).atMs()).isLessThan(2_000L + 5_000);
		}
		assertThat(detector.isSpeaking()).isFalse();
		assertThat(detector.noiseFloorDbfs()).isCloseTo(-35.0, within(2.0));
	}

	@Test
	void detectWhenUtteranceLongerThanTheStuckGuardThenNotCut() {
		List<VadEvent> events = events(detect(new VoiceActivityDetector(), utterance(18, 1_000, 9_000)));
		assertThat(events).hasSize(2);
		assertThat(((SpeechStopped) events.get(1)).audioEndMs()).isCloseTo(10_000L, within(2L * FRAME));
	}

	@Test
	void detectWhenStreamStartsWithDigitalSilenceThenFaintHissIsNotSpeech() {
		short[] audio = new SpeechLikeAudio(19).noiseLevel(-100).silence(1_000).noiseLevel(-62).silence(3_000).samples();
		assertThat(detect(new VoiceActivityDetector(), audio)).isEmpty();
	}

	private static short[] utterance(long seed, int onsetMs, int lengthMs) {
		return new SpeechLikeAudio(seed).silence(onsetMs).speech(lengthMs).silence(1_500).samples();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 7, 241, 480, 4_799 })
	void feedWhenChunkedAnyWayThenSameEventsAndFloorAsOneSampleAtATime(int chunk) {
		short[] audio = utterance(9, 1_000, 1_500);
		VoiceActivityDetector bySample = new VoiceActivityDetector();
		List<Timed> reference = detect(bySample, audio, 1);
		VoiceActivityDetector chunked = new VoiceActivityDetector();
		assertThat(detect(chunked, audio, chunk)).map(Timed::event).isEqualTo(events(reference));
		// four samples at a time round differently from one at a time, by far less than a level step
		assertThat(chunked.noiseFloorDbfs()).isCloseTo(bySample.noiseFloorDbfs(), within(1e-9));
	}

	/** Feeds the audio a 10 ms frame at a time, noting when each event came out. */
	private static List<Timed> detect(VoiceActivityDetector detector, short[] audio) {
		return detect(detector, audio, 240);
	}

	/** Feeds the audio in chunks of {@code chunk} samples, noting when each event came out. */
	private static List<Timed> detect(VoiceActivityDetector detector, short[] audio, int chunk) {
		List<Timed> timed = new ArrayList<>();
		for (int at = 0; at < audio.length; at += chunk) {
			for (VadEvent event : detector.feed(audio, at, Math.min(chunk, audio.length - at))) {
				timed.add(new Timed(event, detector.audioMs()));
			}
		}
		return timed;
	}

	private static List<VadEvent> events(List<Timed> timed) {
		return timed.stream().map(Timed::event).toList();
	}

	private record Timed(VadEvent event, long atMs) {
	}

}
