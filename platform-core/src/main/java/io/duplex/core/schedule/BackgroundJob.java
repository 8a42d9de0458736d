package io.duplex.core.schedule;

import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A periodic background job (a sweep, a poll, a heartbeat): runs {@code run} after
 * {@code initialDelay} and then every {@code every}, on Reactor's parallel scheduler, one run at
 * a time. A tick that comes while a run is still going is dropped, so runs never overlap or queue
 * up. A failed run is logged at WARN with the job's name and the next tick runs again. Every run
 * is timed as {@code duplex.jobs.runs}, tagged {@code job} (the name) and {@code outcome}
 * ({@code success} or {@code failure}). Runs are subscribed with an empty Reactor context: no
 * request's context leaks into them. {@link #close()} (or {@link #dispose()}) stops the ticks
 * and cancels a run in progress.
 */
public final class BackgroundJob implements AutoCloseable, Disposable {

	private static final Logger log = LoggerFactory.getLogger(BackgroundJob.class);

	/** The timer of every run, tagged {@code job} and {@code outcome}. */
	public static final String RUNS_METRIC = "duplex.jobs.runs";

	private final String name;

	private final Disposable schedule;

	private BackgroundJob(String name, Disposable schedule) {
		this.name = name;
		this.schedule = schedule;
	}

	/** {@link #start(String, Duration, Duration, MeterRegistry, Supplier)} with a first run after one period. */
	public static BackgroundJob start(String name, Duration every, MeterRegistry meters,
			Supplier<? extends Mono<?>> run) {
		return start(name, every, every, meters, run);
	}

	/**
	 * Starts the job.
	 * @param name the job's name in logs and in the {@code job} tag, such as {@code stop-poller}
	 * @param initialDelay how long after start the first run begins
	 * @param every the period of the ticks
	 * @param meters where the runs are timed
	 * @param run one run of the job; a run that errors is logged and does not stop the job
	 */
	public static BackgroundJob start(String name, Duration initialDelay, Duration every, MeterRegistry meters,
			Supplier<? extends Mono<?>> run) {
		Timer success = Timer.builder(RUNS_METRIC)
			.description("Runs of a background job, by job and outcome")
			.tag("job", name)
			.tag("outcome", "success")
			.register(meters);
		Timer failure = Timer.builder(RUNS_METRIC)
			.description("Runs of a background job, by job and outcome")
			.tag("job", name)
			.tag("outcome", "failure")
			.register(meters);
		Disposable schedule = Flux.interval(initialDelay, every)
			// a run still going when the next tick comes lets that tick pass
			.onBackpressureDrop()
			// no prefetch: the next tick is asked for only when the run ends, none waits in a queue
			.concatMap((tick) -> once(name, meters, success, failure, run), 0)
			.subscribe(null, null, null, Context.empty());
		return new BackgroundJob(name, schedule);
	}

	private static Mono<Void> once(String name, MeterRegistry meters, Timer success, Timer failure,
			Supplier<? extends Mono<?>> run) {
		return Mono.defer(() -> {
			Timer.Sample sample = Timer.start(meters);
			return Mono.defer(run::get)
				.doOnSuccess((result) -> sample.stop(success))
				.doOnError((ex) -> {
					sample.stop(failure);
					log.warn("Background job {} failed; it runs again at its next tick", name, ex);
				})
				.onErrorComplete()
				.then();
		});
	}

	/** The job's name. */
	public String name() {
		return this.name;
	}

	/** Whether {@link #close()} was called. */
	public boolean isClosed() {
		return this.schedule.isDisposed();
	}

	/** Stops the ticks and cancels a run in progress. */
	@Override
	public void close() {
		this.schedule.dispose();
	}

	/** The same as {@link #close()}. */
	@Override
	public void dispose() {
		close();
	}

	@Override
	public boolean isDisposed() {
		return isClosed();
	}

}
