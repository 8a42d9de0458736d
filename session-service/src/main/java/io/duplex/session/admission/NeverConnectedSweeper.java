package io.duplex.session.admission;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;

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

	private final Admission admission;

	private final AdmissionSettings settings;

	private final MeterRegistry meters;

	private Disposable schedule = () -> {
	};

	NeverConnectedSweeper(Admission admission, AdmissionSettings settings, MeterRegistry meters) {
		this.admission = admission;
		this.settings = settings;
		this.meters = meters;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = BackgroundJob.start("never-connected-sweep", this.settings.connectSweepInterval(), this.meters,
				this.admission::sweep);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

}
