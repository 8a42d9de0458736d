package io.duplex.session.sweep;

import java.time.Duration;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.duplex.session.lifecycle.SessionMeter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Ends detached sessions whose client did not come back within the grace period: reason
 * {@code client_disconnected} ({@code node_lost} for one adopted from a dead node), ended at the
 * end of the grace period, their connected time metered.
 * Every session node sweeps (a stopped node's sessions are swept by the others); the sweep shares
 * the rows out, so nodes never end one twice. Until a sweep ends it, an expired session already
 * cannot be resumed and holds no slot.
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
class DetachedSessionSweeper implements InitializingBean, DisposableBean {

	/** Sessions ended per statement; a sweep runs statements until none is left. */
	private static final int BATCH = 200;

	private final SweepRepository sweeps;

	private final SessionMeter meter;

	private final Duration every;

	private final MeterRegistry meters;

	private Disposable schedule = () -> {
	};

	DetachedSessionSweeper(SweepRepository sweeps, SessionMeter meter,
			@Value("${duplex.sessions.resume-sweep-interval:5s}") Duration every, MeterRegistry meters) {
		this.sweeps = sweeps;
		this.meter = meter;
		this.every = every;
		this.meters = meters;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = BackgroundJob.start("detached-session-sweep", this.every, this.meters, this::sweep);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

	/**
	 * Ends every detached session whose grace period is over and meters each.
	 * @return how many this call ended
	 */
	Mono<Long> sweep() {
		return batch().expand((count) -> (count == BATCH) ? batch() : Mono.empty()).reduce(0L, Long::sum);
	}

	private Mono<Long> batch() {
		return this.sweeps.endExpiredDetached(BATCH)
			.concatMap((ended) -> this.meter.meterEnded(ended.getKey(), ended.getValue()).thenReturn(ended))
			.count();
	}

}
