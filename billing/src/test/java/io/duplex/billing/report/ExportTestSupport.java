package io.duplex.billing.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.database.JdbcUrl;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import reactor.core.publisher.Flux;

/** What tests of export limits look at: the spool directory, the export pool and its connections. */
abstract class ExportTestSupport extends BillingHttpTestSupport {

	@Autowired
	protected UsageSink sink;

	@Autowired
	protected CopyExports copies;

	@Autowired
	protected ExportLimits limits;

	@Autowired
	protected DatabaseClient db;

	@Autowired
	protected Environment environment;

	@LocalServerPort
	protected int port;

	/** The spool files of this node's exports now. */
	protected List<Path> spoolFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.copies.spoolDirectory())) {
			return files.filter((file) -> file.getFileName().toString().startsWith("usage-export-")).toList();
		}
	}

	/** Export connections running a statement now (or waiting for a lock). */
	protected long activeExportConnections() {
		return this.db
			.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND state = 'active'")
			.bind("name", CopyExports.APPLICATION_NAME)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
	}

	/**
	 * A transaction holding the ledger's table in exclusive mode: an export's COPY waits for it as
	 * long as it is held, as a very slow query would. Closing the connection ends it.
	 */
	protected Connection lockLedger() throws SQLException {
		Properties properties = new Properties();
		String user = this.environment.getProperty("spring.r2dbc.username");
		String password = this.environment.getProperty("spring.r2dbc.password");
		if (user != null) {
			properties.setProperty("user", user);
		}
		if (password != null) {
			properties.setProperty("password", password);
		}
		Connection connection = DriverManager
			.getConnection(JdbcUrl.fromR2dbc(this.environment.getRequiredProperty("spring.r2dbc.url")), properties);
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("LOCK TABLE billing.usage_event IN ACCESS EXCLUSIVE MODE");
		}
		return connection;
	}

	private static final List<String> METRICS = List.of("input_text_tokens", "output_audio_tokens",
			"cached_input_audio_tokens", "session_seconds", "compute_seconds");

	/** {@code count} events of the tenant, a second apart from {@code start}: a line each, five per session. */
	protected void record(String tenantId, int count, Instant start) {
		Flux.range(0, (count + 999) / 1000).concatMap((batch) -> {
			List<UsageEvent> events = new ArrayList<>();
			for (int i = batch * 1000; i < Math.min(count, (batch + 1) * 1000); i++) {
				events.add(new UsageEvent(tenantId, "k" + i, "agt_bulk", 1, "sess_" + (i / 5), 1, "gpt-realtime",
						"us-east", null, METRICS.get(i % 5), BigDecimal.valueOf(1 + i % 5000), start.plusSeconds(i),
						Map.of("team", "sales")));
			}
			return this.sink.record(events);
		}).blockLast();
	}

}
