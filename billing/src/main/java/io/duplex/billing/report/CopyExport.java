package io.duplex.billing.report;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

import io.duplex.billing.pricing.LinePrice;
import io.duplex.billing.pricing.LinePricer;
import io.duplex.billing.pricing.PriceBooks;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * One export (CSV, FOCUS or XLSX) read with {@code COPY (SELECT …) TO STDOUT} on a JDBC connection of its
 * own: rows are parsed where they lie in the driver's bytes, priced by a {@link LinePricer} (once per
 * key and span of books in force), summed into lines by {@link ExportLines} (the grouping and
 * costing the R2DBC reference uses too) and written by its {@link ExportWriter} straight into
 * {@link ExportBuffer} chunks.
 * Blocking; one thread at a time (see {@link CopyExports}).
 */
final class CopyExport {

	private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
	};

	private static final int TENANT = 0;

	private static final int AGENT = 1;

	private static final int SESSION = 2;

	private static final int MODEL = 3;

	private static final int REGION = 4;

	private static final int COMPUTE = 5;

	private static final int METRIC = 6;

	private static final int QUANTITY = 7;

	private static final int OCCURRED_AT = 8;

	private static final int TAGS_TEXT = 9;

	private static final int SOURCE = 10;

	private static final int ESTIMATED = 11;

	private static final long MICROS_PER_DAY = 86_400_000_000L;

	/** Distinct tags remembered at most: beyond, forgotten, so memory stays constant. */
	private static final int REMEMBERED = 10_000;

	private final Connection connection;

	private final LinePricer prices;

	private final JsonMapper json;

	private final UsageQuery query;

	private final boolean focus;

	private final CopyRow row = new CopyRow(12);

	private final CopyStrings tenants = new CopyStrings(64);

	private final CopyStrings agents = new CopyStrings(1024);

	private final CopyStrings sessions = new CopyStrings(1024);

	private final CopyStrings models = new CopyStrings(256);

	private final CopyStrings regions = new CopyStrings(64);

	private final CopyStrings computes = new CopyStrings(64);

	private final CopyStrings metrics = new CopyStrings(64);

	private final CopyStrings rawTags = new CopyStrings(1024);

	private final CopyStrings sources = new CopyStrings(4);

	/** Tags as sorted JSON, by the JSON text the database printed. */
	private final Map<String, String> tagsJson = new HashMap<>();

	private final ExportLines lines;

	private final ExportBuffer out = new ExportBuffer();

	private final ExportWriter writer;

	private @Nullable CopyOut copy;

	private boolean done;

	/**
	 * @param writer how to write the file (FOCUS's lines are split by UTC day, region and pool)
	 */
	CopyExport(Connection connection, PriceBooks books, JsonMapper json, UsageQuery query, ExportWriter writer) {
		this.connection = connection;
		this.prices = new LinePricer(books);
		this.json = json;
		this.query = query;
		this.writer = writer;
		this.focus = writer.byDay();
		this.lines = new ExportLines(json, this.focus);
	}

	/**
	 * The export's statement. COPY takes no bind parameters, so the filters are read from settings
	 * of the transaction that {@link #start} sets with bound parameters: no value the caller gives
	 * ever becomes SQL text. Each setting is read once, by an uncorrelated sub-select, so the
	 * tenant and time still narrow the index scan. Columns are selected as the order sorts them
	 * ({@code COLLATE "C"} changes no text), so the sort reuses them rather than computing each
	 * row's tags as text twice.
	 */
	static String sql(UsageQuery query, boolean focus) {
		StringBuilder sql = new StringBuilder("""
				COPY (SELECT tenant_id, agent_id, session_id, model COLLATE "C", region COLLATE "C",
				    compute COLLATE "C", metric COLLATE "C", quantity, occurred_at, tags::text COLLATE "C",
				    source COLLATE "C", estimated
				FROM billing.usage_event
				WHERE occurred_at >= (SELECT current_setting('duplex.export_from')::timestamptz)
				    AND occurred_at < (SELECT current_setting('duplex.export_to')::timestamptz)""");
		if (query.tenantId() != null) {
			sql.append(" AND tenant_id = (SELECT current_setting('duplex.export_tenant'))");
		}
		if (query.agentId() != null) {
			sql.append(" AND agent_id = (SELECT current_setting('duplex.export_agent'))");
		}
		if (query.model() != null) {
			sql.append(" AND model = (SELECT current_setting('duplex.export_model'))");
		}
		return sql.append(" ORDER BY ")
			.append(focus ? UsageReader.REGIONAL_LINE_ORDER : UsageReader.LINE_ORDER)
			.append(") TO STDOUT")
			.toString();
	}

	/**
	 * Starts the COPY in a read-only transaction: sort memory as {@link UsageReader} gives its
	 * query, timestamps in UTC in the ISO style ({@link CopyRow#micros} reads them by position), and
	 * the filters; all of it ends with the transaction.
	 */
	void start() throws SQLException {
		try (PreparedStatement settings = this.connection.prepareStatement("""
				SELECT set_config('work_mem', ?, true), set_config('TimeZone', 'UTC', true),
				    set_config('DateStyle', 'ISO', true), set_config('duplex.export_from', ?, true),
				    set_config('duplex.export_to', ?, true), set_config('duplex.export_tenant', ?, true),
				    set_config('duplex.export_agent', ?, true), set_config('duplex.export_model', ?, true)""")) {
			settings.setString(1, UsageReader.SORT_MEMORY);
			settings.setString(2, this.query.from().toString());
			settings.setString(3, this.query.to().toString());
			settings.setString(4, Objects.requireNonNullElse(this.query.tenantId(), ""));
			settings.setString(5, Objects.requireNonNullElse(this.query.agentId(), ""));
			settings.setString(6, Objects.requireNonNullElse(this.query.model(), ""));
			settings.executeQuery().close();
		}
		this.copy = this.connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql(this.query, this.focus));
		this.writer.begin(this.out);
	}

	/** The next chunk of the export (header first) in a buffer of {@code buffers}; null after the last. */
	@Nullable DataBuffer next(DataBufferFactory buffers) throws SQLException {
		CopyOut copy = Objects.requireNonNull(this.copy, "not started");
		while (true) {
			DataBuffer chunk = this.out.poll(buffers);
			if (chunk != null || this.done) {
				return chunk;
			}
			byte[] bytes = copy.readFromCopy();
			if (bytes == null) {
				write(this.lines.finish());
				this.writer.end(this.out);
				this.out.flush();
				this.done = true;
			}
			else {
				add(bytes);
			}
		}
	}

	private void add(byte[] bytes) {
		CopyRow row = this.row;
		row.read(bytes);
		String tenant = Objects.requireNonNull(this.tenants.get(row, TENANT));
		String agent = this.agents.get(row, AGENT);
		String session = this.sessions.get(row, SESSION);
		String model = Objects.requireNonNull(this.models.get(row, MODEL));
		String region = this.regions.get(row, REGION);
		String compute = this.computes.get(row, COMPUTE);
		String metric = Objects.requireNonNull(this.metrics.get(row, METRIC));
		BigDecimal quantity = row.decimal(QUANTITY);
		long at = row.micros(OCCURRED_AT);
		String tags = tags(Objects.requireNonNull(this.rawTags.get(row, TAGS_TEXT)));
		String source = Objects.requireNonNull(this.sources.get(row, SOURCE));
		// COPY's text format prints a boolean as t or f
		boolean estimated = row.bytes()[row.start(ESTIMATED)] == 't';
		LinePrice price = this.prices.price(tenant, model, metric, compute, at);
		long day = this.focus ? Math.floorDiv(at, MICROS_PER_DAY) : 0;
		write(this.lines.add(tenant, session, agent, model, metric, region, compute, tags, source, estimated, day,
				price, quantity));
	}

	private void write(@Nullable ExportLine line) {
		if (line != null) {
			this.writer.line(line, this.out);
		}
	}

	private String tags(String raw) {
		String sorted = this.tagsJson.get(raw);
		if (sorted == null) {
			if (this.tagsJson.size() > REMEMBERED) {
				this.tagsJson.clear();
			}
			sorted = ExportLines.sortedJson(this.json, this.json.readValue(raw, TAGS));
			this.tagsJson.put(raw, sorted);
		}
		return sorted;
	}

}
