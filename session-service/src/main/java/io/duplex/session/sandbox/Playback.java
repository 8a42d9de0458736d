package io.duplex.session.sandbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.ArgumentsDelta;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.OutputItemDone;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TextDelta;
import io.duplex.session.provider.ProviderEvent.TranscriptDelta;
import io.duplex.session.provider.ProviderOutbox;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.text.TextTokens;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * One response in flight: sends its plan's deltas when they are due and counts what it sent.
 * <p>
 * Each delta is due at a fixed offset from the first, which is due {@code firstDeltaDelay} after
 * the start; one timer at a time waits for the next due delta, so a late timer catches up instead
 * of drifting. The output item starts with the first delta and ends, with the response, right after
 * the last. A cancelled response reports the output sent before the cancel: audio tokens at the
 * model's output rate (a started token counting whole) and the tokens of the text sent (transcript,
 * text or arguments), which OpenAI also counts as output text tokens beside the audio ones.
 * <p>
 * Every method but the timer's runs under the session's lock; the timer takes it.
 */
final class Playback {

	private final String responseId;

	private final Plan plan;

	private final TokenUsage input;

	private final int outputAudioTokensPerSecond;

	private final Scheduler scheduler;

	private final Object lock;

	private final ProviderOutbox emitter;

	private long firstDeltaNanos;

	private int next;

	private boolean started;

	private boolean finished;

	private @Nullable Disposable timer;

	private long sentSamples;

	private final StringBuilder sentText = new StringBuilder();

	Playback(String responseId, Plan plan, TokenUsage input, int outputAudioTokensPerSecond, Scheduler scheduler,
			Object lock, ProviderOutbox emitter) {
		this.responseId = responseId;
		this.plan = plan;
		this.input = input;
		this.outputAudioTokensPerSecond = outputAudioTokensPerSecond;
		this.scheduler = scheduler;
		this.lock = lock;
		this.emitter = emitter;
	}

	void start(Duration firstDeltaDelay) {
		long delay = firstDeltaDelay.isNegative() ? 0 : firstDeltaDelay.toNanos();
		this.firstDeltaNanos = this.scheduler.now(TimeUnit.NANOSECONDS) + delay;
		schedule();
	}

	boolean finished() {
		return this.finished;
	}

	/** Stops at once and reports the response cancelled, unless it has ended already. */
	void cancel() {
		if (!this.finished) {
			stop();
			this.emitter.offer(done("cancelled"));
		}
	}

	/** Stops without a word: the session is closing. */
	void stop() {
		this.finished = true;
		if (this.timer != null) {
			this.timer.dispose();
		}
	}

	private void schedule() {
		long delay = dueNanos(this.next) - this.scheduler.now(TimeUnit.NANOSECONDS);
		this.timer = this.scheduler.schedule(this::fire, Math.max(0, delay), TimeUnit.NANOSECONDS);
	}

	private long dueNanos(int step) {
		long atMs = (step < this.plan.steps().size()) ? this.plan.steps().get(step).atMs() : 0;
		return this.firstDeltaNanos + TimeUnit.MILLISECONDS.toNanos(atMs);
	}

	private void fire() {
		synchronized (this.lock) {
			if (this.finished) {
				return;
			}
			if (!this.started) {
				this.started = true;
				this.emitter.offer(new OutputItemStarted(this.responseId, 0, this.plan.type(), this.plan.name(),
						this.plan.callId()));
			}
			long now = this.scheduler.now(TimeUnit.NANOSECONDS);
			while (this.next < this.plan.steps().size() && dueNanos(this.next) <= now) {
				send(this.plan.steps().get(this.next++));
			}
			if (this.next < this.plan.steps().size()) {
				schedule();
			}
			else {
				this.finished = true;
				this.emitter.offer(new OutputItemDone(this.responseId, 0));
				this.emitter.offer(done("completed"));
			}
		}
		this.emitter.drain();
	}

	private void send(Plan.Step step) {
		String text = step.text();
		if (text == null) {
			AudioSource audio = this.plan.audio();
			if (audio != null) {
				this.sentSamples += step.audioCount();
				this.emitter.offer(new AudioDelta(this.responseId, 0, audio.pcm(step.audioFrom(), step.audioCount())));
			}
			return;
		}
		this.sentText.append(text);
		this.emitter.offer(switch (this.plan.text()) {
			case TRANSCRIPT -> new TranscriptDelta(this.responseId, 0, text);
			case TEXT -> new TextDelta(this.responseId, 0, text);
			case ARGUMENTS -> new ArgumentsDelta(this.responseId, 0, text);
		});
	}

	private ProviderEvent done(String status) {
		long outputAudio = Math.ceilDiv(this.sentSamples * this.outputAudioTokensPerSecond, Turn.SAMPLE_RATE);
		long outputText = TextTokens.count(this.sentText.toString());
		TokenUsage usage = new TokenUsage(this.input.inputTextTokens(), this.input.inputAudioTokens(),
				this.input.cachedTextTokens(), this.input.cachedAudioTokens(), outputText, outputAudio);
		return new ResponseDone(this.responseId, status, usage);
	}

}
