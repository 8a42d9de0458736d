package io.duplex.billing.report;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import io.duplex.test.Csv;
import io.duplex.test.TestHttp;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exports cannot hurt other tenants: a tenant's slow downloads hold its own export slots and spool
 * files but no database connection, a full export pool refuses rather than queues, the period is
 * bounded, and every spool is deleted however its download ends. The tenant limit is raised to the
 * pool's size here, so that one tenant's four slow readers would starve everyone if a reader could
 * pin a connection.
 * <p>
 * Its limits make an application context of its own, closed after the class so that its export
 * pool's connections do not count in other tests' view of {@code pg_stat_activity}.
 */
@DirtiesContext
@TestPropertySource(properties = { "duplex.billing.exports.max-concurrent-per-tenant=4",
		"duplex.billing.exports.max-concurrent=4" })
class ExportLimitsTests extends ExportTestSupport {

	/** Months no other test records usage in. */
	private static final Instant JANUARY = Instant.parse("2152-01-01T00:00:00Z");

	private static final String PERIOD = "from=2152-01-01&to=2152-02-01";

	private static final String PROBLEMS = "https://duplex.dev/problems/";

	private static final Logger log = LoggerFactory.getLogger(ExportLimitsTests.class);

	@Test
	void exportWhenFourSlowReadersOfOneTenantThenAnotherTenantsAgentsAndExportAnswerWithinASecond() throws Exception {
		TestTenant slow = newTenant();
		TestTenant other = newTenant();
		// about 28 MB of FOCUS each: far more than the sockets and the server's write queue hold
		record(slow.id(), 40_000, JANUARY);
		record(other.id(), 20, JANUARY);
		String slowFinance = newKey(slow.id(), "finance");
		String otherFinance = newKey(other.id(), "finance");
		// once before, so the timings below measure the slow readers' effect, not a cold path
		otherAgents(other);
		otherExport(otherFinance);

		List<SlowReader> readers = new ArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				readers.add(new SlowReader(this.port, slowFinance, "/v1/usage/export?format=focus&" + PERIOD));
			}
			for (SlowReader reader : readers) {
				assertThat(reader.statusLine()).isEqualTo("HTTP/1.1 200 OK");
			}
			// four downloads stalled, and nothing of theirs left in the database
			assertThat(this.limits.running(slow.id())).isEqualTo(4);
			await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles().size() == 4);
			assertThat(this.copies.inUse()).isZero();
			assertThat(activeExportConnections()).isZero();

			// the tenant's fifth is refused, with a time to try again
			as(slowFinance).get()
				.uri("/v1/usage/export?format=csv&" + PERIOD)
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
				.expectHeader()
				.valueEquals("Retry-After", "10")
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(PROBLEMS + "export-limit-exceeded")
				.jsonPath("$.scope")
				.isEqualTo("tenant");

			// another tenant is served as if nothing were going on
			long began = System.nanoTime();
			assertThat(otherAgents(other).getStatusCode()).isEqualTo(HttpStatus.OK);
			Duration agents = Duration.ofNanos(System.nanoTime() - began);
			began = System.nanoTime();
			ResponseEntity<String> export = otherExport(otherFinance);
			Duration exportTime = Duration.ofNanos(System.nanoTime() - began);
			assertThat(export.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(Csv.parse(export.getBody())).hasSize(21);
			log.info("While four downloads of another tenant stalled: GET /v1/agents {} ms, export {} ms",
					agents.toMillis(), exportTime.toMillis());
			assertThat(agents).isLessThan(Duration.ofSeconds(1));
			assertThat(exportTime).isLessThan(Duration.ofSeconds(1));

			// and the four are still stalled (the other tenant's file goes a moment after its download)
			assertThat(this.limits.running(slow.id())).isEqualTo(4);
			await().atMost(Duration.ofSeconds(10)).until(() -> spoolFiles().size() == 4);
			assertThat(this.limits.running(slow.id())).isEqualTo(4);
		}
		finally {
			for (SlowReader reader : readers) {
				reader.close();
			}
		}
		// readers that leave mid-download leave nothing behind
		await().atMost(Duration.ofSeconds(30))
			.until(() -> spoolFiles().isEmpty() && this.limits.running(slow.id()) == 0);
	}

	@Test
	void exportWhenEveryExportConnectionIsBusyThenAnotherTenantIsRefusedNotQueued() throws Exception {
		TestTenant busy = newTenant();
		TestTenant other = newTenant();
		record(busy.id(), 10, JANUARY);
		String busyFinance = newKey(busy.id(), "finance");
		String otherFinance = newKey(other.id(), "finance");
		WebClient client = TestHttp.webClient(this.port)
			.defaultHeader("Authorization", "Bearer " + busyFinance)
			.build();

		Mono<List<String>> four;
		try (Connection lock = lockLedger()) {
			// four exports whose COPY waits for the lock: every export connection is taken
			four = Flux.range(0, 4)
				.flatMap((i) -> client.get().uri("/v1/usage/export?format=csv&" + PERIOD).retrieve().bodyToMono(String.class))
				.collectList()
				.cache();
			four.subscribe();
			await().atMost(Duration.ofSeconds(30)).until(() -> this.copies.inUse() == 4);

			as(otherFinance).get()
				.uri("/v1/usage/export?format=csv&" + PERIOD)
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
				.expectHeader()
				.exists("Retry-After")
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo(PROBLEMS + "export-limit-exceeded")
				.jsonPath("$.scope")
				.isEqualTo("node");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.limits.running(other.id()) == 0);
		}
		// the lock ends with its connection: the four finish, whole
		assertThat(four.block(Duration.ofSeconds(60))).hasSize(4)
			.allSatisfy((csv) -> assertThat(Csv.parse(csv)).hasSize(11));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.copies.inUse() == 0 && spoolFiles().isEmpty());
		assertThat(getText(otherFinance, "/v1/usage/export?format=csv&" + PERIOD)).startsWith("tenant,");
	}

	@Test
	void exportWhenTheClientLeavesWhileTheFileIsMadeThenTheCopyIsAbortedAndNothingIsLeft() throws Exception {
		TestTenant tenant = newTenant();
		record(tenant.id(), 10, JANUARY);
		String finance = newKey(tenant.id(), "finance");
		try (Connection lock = lockLedger()) {
			try (SlowReader reader = new SlowReader(this.port, finance, "/v1/usage/export?format=xlsx&" + PERIOD)) {
				// the file is begun, and the COPY waits for the lock
				await().atMost(Duration.ofSeconds(30))
					.until(() -> this.copies.inUse() == 1 && spoolFiles().size() == 1 && activeExportConnections() == 1);
			}
			// the connection is aborted while its statement still waits for the lock
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.copies.inUse() == 0 && spoolFiles().isEmpty() && this.limits.running(tenant.id()) == 0);
		}
		// its server process notices the closed socket once the lock lets the statement run
		await().atMost(Duration.ofSeconds(30)).until(() -> activeExportConnections() == 0);
	}

	@Test
	void exportWhenDownloadedThenTheSpoolIsDeletedAndTheSlotFreed() throws Exception {
		TestTenant tenant = newTenant();
		record(tenant.id(), 300, JANUARY);
		String finance = newKey(tenant.id(), "finance");
		for (String format : List.of("csv", "focus", "xlsx")) {
			byte[] body = as(finance).get()
				.uri("/v1/usage/export?format=" + format + "&" + PERIOD)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.exists("Content-Length")
				.expectBody()
				.returnResult()
				.getResponseBody();
			assertThat(body).isNotEmpty();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> spoolFiles().isEmpty() && this.limits.running(tenant.id()) == 0);
		}
	}

	@Test
	void exportWhenPeriodIsLongerThanTheLimitThen422NamingFromAndTo() {
		TestTenant tenant = newTenant();
		String finance = newKey(tenant.id(), "finance");
		as(finance).get()
			.uri("/v1/usage/export?format=csv&from=2151-01-01&to=2152-01-03")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo(PROBLEMS + "validation-failed")
			.jsonPath("$.errors.length()")
			.isEqualTo(2)
			.jsonPath("$.errors[0].field")
			.isEqualTo("from")
			.jsonPath("$.errors[1].field")
			.isEqualTo("to");
		// 366 days is allowed
		assertThat(getText(finance, "/v1/usage/export?format=csv&from=2151-01-01&to=2152-01-02")).startsWith("tenant,");
		// the slot frees when the server has seen its download end, a moment after the client
		await().atMost(Duration.ofSeconds(10)).until(() -> this.limits.running(tenant.id()) == 0);
	}

	private ResponseEntity<String> otherAgents(TestTenant tenant) {
		return TestHttp.webClient(this.port)
			.build()
			.get()
			.uri("/v1/agents")
			.header("Authorization", "Bearer " + tenant.adminKey())
			.retrieve()
			.toEntity(String.class)
			.block(Duration.ofSeconds(30));
	}

	private ResponseEntity<String> otherExport(String key) {
		return TestHttp.webClient(this.port)
			.build()
			.get()
			.uri("/v1/usage/export?format=csv&" + PERIOD)
			.header("Authorization", "Bearer " + key)
			.retrieve()
			.toEntity(String.class)
			.block(Duration.ofSeconds(30));
	}

}
