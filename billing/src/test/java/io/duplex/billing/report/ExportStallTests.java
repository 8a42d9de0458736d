package io.duplex.billing.report;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A download whose client stops reading is closed after the stall limit (two seconds here): its
 * file is deleted and its tenant's export slot freed, so a reader that went quiet holds neither for
 * ever.
 * <p>
 * Its limit makes an application context of its own, closed after the class so that its export
 * pool's connections do not count in other tests' view of {@code pg_stat_activity}.
 */
@DirtiesContext
@TestPropertySource(properties = "duplex.billing.exports.max-download-stall=2s")
class ExportStallTests extends ExportTestSupport {

	private static final Instant MAY = Instant.parse("2152-05-01T00:00:00Z");

	private static final String PERIOD = "from=2152-05-01&to=2152-06-01";

	@Test
	void exportWhenTheClientStopsReadingThenTheDownloadIsClosedAndItsFileAndSlotFreed() throws Exception {
		TestTenant tenant = newTenant();
		// about 28 MB of FOCUS: far more than the sockets and the server's write queue hold
		record(tenant.id(), 40_000, MAY);
		String finance = newKey(tenant.id(), "finance");
		try (SlowReader reader = new SlowReader(this.port, finance, "/v1/usage/export?format=focus&" + PERIOD)) {
			assertThat(reader.statusLine()).isEqualTo("HTTP/1.1 200 OK");
			assertThat(this.limits.running(tenant.id())).isEqualTo(1);

			await().atMost(Duration.ofSeconds(30))
				.until(() -> spoolFiles().isEmpty() && this.limits.running(tenant.id()) == 0);
			// what the sockets still held arrives, then the connection ends short of the file
			assertThat(drain(reader.socket())).isLessThan(28_000_000L);
		}
		assertThat(getText(finance, "/v1/usage/export?format=csv&from=2152-05-01&to=2152-05-01T00:01:00Z"))
			.startsWith("tenant,");
	}

	/** Reads until the server's close; the bytes read. */
	private static long drain(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[64 * 1024];
		long read = 0;
		try {
			for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
				read += n;
			}
		}
		catch (IOException ex) {
			// a reset is as good an end as a close
		}
		return read;
	}

}
