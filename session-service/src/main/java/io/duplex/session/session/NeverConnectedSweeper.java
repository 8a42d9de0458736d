package io.duplex.session.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Ends the sessions that were not connected within their connect timeout ({@code never_connected},
 * ended at their deadline, unmetered), every {@code duplex.sessions.connect-sweep-interval}.
 * Admission already stops counting them at the deadline; the sweep makes them read as ended soon
 * after it even when no one admits or reads the tenant's sessions. Every session node sweeps; the
 * statement skips rows another sweep holds, so nodes never end one twice.
 */
@Component
@ConditionalOnRole(DuplexRole.SESSION)
class NeverConnectedSweeper implements InitializingBean, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(NeverConnectedSweeper.class);

	private final Admission admission;

	private final AdmissionSettings settings;

	private Disposable schedule = () -> {
	};

	NeverConnectedSweeper(Admission admission, AdmissionSettings settings) {
		this.admission = admission;
		this.settings = settings;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = Flux.interval(this.settings.connectSweepInterval(), this.settings.connectSweepInterval())
			.onBackpressureDrop()
			.concatMap((tick) -> this.admission.sweep()
				.doOnError((ex) -> log.warn("Ending sessions that never connected failed; will retry", ex))
				.onErrorComplete())
			.subscribe();
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

}
