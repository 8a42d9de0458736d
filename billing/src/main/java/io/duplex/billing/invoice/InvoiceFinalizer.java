package io.duplex.billing.invoice;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.schedule.BackgroundJob;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The job that finalizes invoices: every {@code check-every}, each tenant month that ended more
 * than {@code finalize-after} ago and is not finalized yet is finalized, one month per
 * transaction. Idempotent and safe to run on several billing nodes at once: a month is locked
 * while it is finalized, and a finalized month is skipped.
 */
@Component
@ConditionalOnRole(DuplexRole.BILLING)
class InvoiceFinalizer implements InitializingBean, DisposableBean {

	/** Months finalized per run at most; the next run goes on with the rest. */
	private static final int BATCH = 100;

	private final InvoiceRepository invoices;

	private final InvoiceService service;

	private final InvoiceProperties properties;

	private final Clock clock;

	private final MeterRegistry meters;

	private Disposable schedule = () -> {
	};

	InvoiceFinalizer(InvoiceRepository invoices, InvoiceService service, InvoiceProperties properties,
			MeterRegistry meters) {
		this.invoices = invoices;
		this.service = service;
		this.properties = properties;
		this.clock = Clock.systemUTC();
		this.meters = meters;
	}

	@Override
	public void afterPropertiesSet() {
		this.schedule = BackgroundJob.start("invoice-finalizer", this.properties.checkEvery(), this.meters,
				this::finalizeDue);
	}

	@Override
	public void destroy() {
		this.schedule.dispose();
	}

	/**
	 * Finalizes the months that are due now (up to {@value #BATCH}).
	 * @return how many tenant months this run finalized
	 */
	Mono<Long> finalizeDue() {
		// a month is due when it ended by now − finalize-after: when it comes before that instant's month
		LocalDate firstNotDue = LocalDate
			.ofInstant(this.clock.instant().minus(this.properties.finalizeAfter()), ZoneOffset.UTC)
			.withDayOfMonth(1);
		return this.invoices.dueMonths(firstNotDue, BATCH)
			.concatMap((due) -> this.service.finalizeMonth(due.tenantId(), due.month()))
			.filter(Boolean::booleanValue)
			.count();
	}

}
