package io.duplex.billing.report;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An export past its duration or size limit is aborted: its connection closed, its file deleted,
 * its slot freed, and the client answered with a problem rather than a partial file. The limits are
 * made small here.
 * <p>
 * Its limits make an application context of its own, closed after the class so that its export
 * pool's connections do not count in other tests' view of {@code pg_stat_activity}.
 */
@DirtiesContext
@TestPropertySource(properties = { "duplex.billing.exports.max-duration=2s",
		"duplex.billing.exports.max-spool-size=64KB" })
class ExportAbortTests extends ExportTestSupport {

	private static final Instant MARCH = Instant.parse("2152-03-01T00:00:00Z");

	private static final String PERIOD = "from=2152-03-01&to=2152-04-01";

	private static final String PROBLEMS = "https://duplex.dev/problems/";

	@Test
	void exportWhenItTakesLongerThanTheLimitThenItIsAbortedAnd503() throws Exception {
		TestTenant tenant = newTenant();
		record(tenant.id(), 10, MARCH);
		String finance = newKey(tenant.id(), "finance");
		try (Connection lock = lockLedger()) {
			// the COPY waits for the lock, beyond the export's two seconds
			as(finance).get()
				.uri("/v1/usage/export?format=focus&" + PERIOD)
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(PROBLEMS + "export-duration-exceeded")
				.jsonPath("$.max_duration_ms")
				.isEqualTo(2000);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.copies.inUse() == 0 && spoolFiles().isEmpty() && this.limits.running(tenant.id()) == 0);
		}
		// its server process notices the aborted connection once the lock lets the statement run
		await().atMost(Duration.ofSeconds(30)).until(() -> activeExportConnections() == 0);
		assertThat(getText(finance, "/v1/usage/export?format=csv&" + PERIOD)).startsWith("tenant,");
	}

	@Test
	void exportWhenTheFileGrowsPastTheLimitThenItIsAbortedAnd422() throws Exception {
		TestTenant tenant = newTenant();
		// 5,000 rows of CSV: several times the 64 KB allowed
		record(tenant.id(), 5_000, MARCH);
		String finance = newKey(tenant.id(), "finance");
		as(finance).get()
			.uri("/v1/usage/export?format=csv&" + PERIOD)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "export-too-large")
			.jsonPath("$.max_bytes")
			.isEqualTo(65536);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.copies.inUse() == 0 && spoolFiles().isEmpty() && this.limits.running(tenant.id()) == 0);
		// a narrower export of the same tenant fits
		assertThat(getText(finance, "/v1/usage/export?format=csv&from=2152-03-01&to=2152-03-01T00:05:00Z"))
			.startsWith("tenant,");
	}

}
