package io.duplex.session.writes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.duplex.core.schedule.BackgroundJob;
import io.duplex.core.usage.UsageSink;
import io.duplex.session.conversation.ConversationStore;
import io.duplex.session.lifecycle.Sessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores the engine's writes so that none is lost to a database outage. A write is tried, and
 * tried again with backoff while it fails for a transient reason ({@link TransientFailures});
 * when the database stays away past the retries, it goes to the node's {@link WriteSpool} (on
 * disk, forced) and is replayed from there, in order, once the database answers. A session with
 * writes in the spool spools its later ones behind them, so its writes are stored in the order it
 * made them. Every write is idempotent, so a retry after a lost answer or a replay stores it once.
 * <p>
 * Metrics: {@code duplex.writes.retried}, {@code duplex.writes.spooled},
 * {@code duplex.writes.replayed} and {@code duplex.writes.lost} (tagged {@code type}; lost also
 * {@code reason}: {@code spool_full}, {@code rejected} for a write the database refuses for good,
 * {@code spool_failed} when the spool's disk failed or it could not be opened), and the gauges
 * {@code duplex.writes.spool.writes} and {@code duplex.writes.spool.bytes}.
 */
@Component
public class DurableWrites implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(DurableWrites.class);

	private final ConversationStore conversations;

	private final Sessions sessions;

	private final UsageSink usage;

	private final WriteProperties properties;

	private final MeterRegistry meters;

	/** Null when the spool directory could not be opened: writes past their retries are then lost. */
	private final @Nullable WriteSpool spool;

	/**
	 * The spool's file I/O and fsync, which block: on a thread of their own, never an event loop. One
	 * thread, so appends and replays reach the file one at a time and in order; the queue is bounded
	 * like the spool itself (a write that finds it full is lost, and counted).
	 */
	private final Scheduler io = Schedulers.newBoundedElastic(1, 100_000, "duplex-write-spool");

	private final @Nullable Disposable replayer;

	DurableWrites(ConversationStore conversations, Sessions sessions, UsageSink usage, WriteProperties properties,
			MeterRegistry meters, Environment environment) {
		this.conversations = conversations;
		this.sessions = sessions;
		this.usage = usage;
		this.properties = properties;
		this.meters = meters;
		Path root = (properties.spoolDir() != null && !properties.spoolDir().isBlank()) ? Path.of(properties.spoolDir())
				: Path.of(environment.getProperty("duplex.data-dir", "var"), "spool");
		WriteSpool opened = open(root, properties);
		this.spool = opened;
		if (opened == null) {
			this.replayer = null;
			return;
		}
		log.info("Writes that cannot reach the database are spooled in {}", opened.directory());
		Gauge.builder("duplex.writes.spool.writes", opened, WriteSpool::size)
			.description("Writes in the spool, waiting for the database")
			.register(meters);
		Gauge.builder("duplex.writes.spool.bytes", opened, WriteSpool::bytes)
			.description("Bytes the write spool file takes")
			.baseUnit("bytes")
			.register(meters);
		this.replayer = BackgroundJob.start("write-replay", properties.replayInterval(), meters, () -> replay(opened));
	}

	/**
	 * Opens the first free spool under {@code root}, at start-up on the main thread (the one place it
	 * is opened). A directory that cannot be written does not stop the node (nodes of other roles
	 * never spool): it is logged as an error, and writes that outlast their retries are lost.
	 */
	private static @Nullable WriteSpool open(Path root, WriteProperties properties) {
		try {
			return WriteSpool.openFirstFree(root.toAbsolutePath(), properties.spoolMaxSize().toBytes(),
					JsonMapper.builder().build());
		}
		catch (IOException | RuntimeException ex) {
			log.error("Could not open a write spool under {} (duplex.writes.spool-dir, duplex.data-dir): writes "
					+ "the database does not take within their retries will be lost", root.toAbsolutePath(), ex);
			return null;
		}
	}

	/**
	 * Stores {@code write}: now, after retries, or through the spool.
	 * @return completes once the write is stored or spooled (or, failing both, counted as lost and
	 * logged); never errors
	 */
	public Mono<Void> write(SessionWrite write) {
		return Mono.defer(() -> (this.spool != null && this.spool.holds(write.sessionId())) ? spool(write) : store(write));
	}

	private Mono<Void> store(SessionWrite write) {
		return Mono.defer(() -> apply(write))
			.timeout(this.properties.attemptTimeout())
			.retryWhen(Retry.backoff(this.properties.retries(), this.properties.firstBackoff())
				.maxBackoff(this.properties.maxBackoff())
				.filter(TransientFailures::isTransient)
				.doBeforeRetry((signal) -> {
					count("duplex.writes.retried", write, "Writes tried again after a transient database failure");
					log.debug("Retrying a {} write of session {}: {}", write.typeTag(), write.sessionId(),
							signal.failure().toString());
				}))
			.onErrorResume((error) -> {
				if (Exceptions.isRetryExhausted(error) || TransientFailures.isTransient(error)) {
					log.warn("The database did not take a {} write of session {} ({}); spooling it",
							write.typeTag(), write.sessionId(), rootMessage(error));
					return spool(write);
				}
				lost(write, "rejected", error);
				return Mono.empty();
			});
	}

	private Mono<Void> spool(SessionWrite write) {
		WriteSpool spool = this.spool;
		if (spool == null) {
			lost(write, "spool_failed", new IOException("no write spool"));
			return Mono.empty();
		}
		return Mono.fromCallable(() -> {
			spool.append(write);
			return write;
		})
			.subscribeOn(this.io)
			.doOnNext((spooled) -> count("duplex.writes.spooled", write, "Writes kept in the spool for the database"))
			.then()
			.onErrorResume((error) -> {
				lost(write, (error instanceof WriteSpool.SpoolFullException) ? "spool_full" : "spool_failed", error);
				return Mono.empty();
			});
	}

	/**
	 * Replays the spool, oldest first, until it is empty or the database fails again (the next tick
	 * tries again). A write the database refuses for good is counted as lost and passed over.
	 */
	private Mono<Void> replay(WriteSpool spool) {
		// repeated rather than recursive: a long spool replays without a deeper chain per line
		return replayOldest(spool).repeat()
			.takeWhile(Boolean::booleanValue)
			.then()
			.onErrorResume((error) -> {
				log.error("Replaying the write spool {} failed", spool.directory(), error);
				return Mono.empty();
			});
	}

	/** Replays the oldest spooled write; answers whether the spool moved on (false: empty, or the database is away). */
	private Mono<Boolean> replayOldest(WriteSpool spool) {
		return Mono.fromCallable(spool::next)
			.subscribeOn(this.io)
			.flatMap((spooled) -> Mono.defer(() -> apply(spooled.write()))
				.timeout(this.properties.attemptTimeout())
				.then(Mono.just(Replay.STORED))
				.onErrorResume((error) -> {
					if (TransientFailures.isTransient(error)) {
						log.debug("The database is still away for the write spool: {}", rootMessage(error));
						return Mono.just(Replay.WAITING);
					}
					lost(spooled.write(), "rejected", error);
					return Mono.just(Replay.REFUSED);
				})
				.flatMap((outcome) -> switch (outcome) {
					case STORED -> passed(spool, spooled).doOnNext((moved) -> count("duplex.writes.replayed",
							spooled.write(), "Spooled writes stored in the database"));
					case REFUSED -> passed(spool, spooled);
					case WAITING -> Mono.just(false);
				}))
			.defaultIfEmpty(false);
	}

	/** The spool moves past {@code spooled}, on its own thread. */
	private Mono<Boolean> passed(WriteSpool spool, WriteSpool.Spooled spooled) {
		return Mono.fromCallable(() -> {
			spool.replayed(spooled);
			return true;
		}).subscribeOn(this.io);
	}

	/** The statements of one write; each is idempotent (see {@link SessionWrite}). */
	private Mono<Void> apply(SessionWrite write) {
		return switch (write) {
			case SessionWrite.AppendItem append -> this.conversations.append(append.item());
			case SessionWrite.TruncateItem truncate -> this.conversations.truncate(truncate.tenantId(),
					truncate.conversationId(), truncate.itemId(), truncate.truncatedAtMs(), truncate.heardText(),
					truncate.item());
			case SessionWrite.DeleteItem delete -> this.conversations.delete(delete.tenantId(), delete.conversationId(),
					delete.itemId());
			case SessionWrite.SaveConfig config -> this.sessions.saveConfig(config.tenantId(), config.sessionId(),
					config.config());
			case SessionWrite.ResponseUsage response -> this.usage.record(response.events())
				.then(this.sessions.finishResponse(response.tenantId(), response.sessionId(), response.totals(),
						response.latency()));
			case SessionWrite.SideUsage side -> this.usage.record(side.events())
				.then(this.sessions.addUsage(side.tenantId(), side.sessionId(), side.key(), side.totals()));
			case SessionWrite.NextSegment next -> this.sessions.endSegment(next.tenantId(), next.sessionId(), next.ended())
				.then(this.sessions.startSegment(next.tenantId(), next.sessionId(), next.started(), next.provider(),
						next.upstreamId(), next.reason()));
			case SessionWrite.EndSession end -> this.sessions.end(end.tenantId(), end.sessionId(), end.nodeId(),
					end.segment(), end.reason(), end.endedAt());
			case SessionWrite.DetachSession detach -> this.sessions
				.markDetached(detach.tenantId(), detach.sessionId(), detach.nodeId(), Duration.ofMillis(detach.graceMs()))
				.then();
		};
	}

	private void lost(SessionWrite write, String reason, Throwable error) {
		Counter.builder("duplex.writes.lost")
			.description("Writes neither stored nor spooled: must stay 0")
			.tag("type", write.typeTag())
			.tag("reason", reason)
			.register(this.meters)
			.increment();
		log.error("Lost a {} write of session {} of tenant {} ({})", write.typeTag(), write.sessionId(),
				write.tenantId(), reason, error);
	}

	private void count(String name, SessionWrite write, String description) {
		Counter.builder(name).description(description).tag("type", write.typeTag()).register(this.meters).increment();
	}

	private static String rootMessage(Throwable error) {
		Throwable cause = Exceptions.unwrap(error);
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.toString();
	}

	/** What became of a spooled write's replay. */
	private enum Replay {

		/** Stored: the spool moves on. */
		STORED,

		/** Refused by the database for good: counted lost, the spool moves on. */
		REFUSED,

		/** The database is still away: the spool waits for the next tick. */
		WAITING

	}

	@Override
	public void destroy() throws IOException {
		if (this.replayer != null) {
			this.replayer.dispose();
		}
		// at shutdown, on the thread that stops the application: a line being forced is let finish
		this.io.disposeGracefully().timeout(Duration.ofSeconds(5)).onErrorComplete().block();
		if (this.spool != null) {
			this.spool.close();
		}
	}

}
