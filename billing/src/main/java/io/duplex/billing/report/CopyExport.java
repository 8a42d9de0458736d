package io.duplex.billing.report;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

import io.duplex.billing.pricing.AppliedPrice;
import io.duplex.billing.pricing.LineCosts;
import io.duplex.billing.pricing.LinePrice;
import io.duplex.billing.pricing.LinePricer;
import io.duplex.billing.pricing.PriceBooks;
import io.duplex.billing.pricing.RunningCosts;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * One export (CSV, FOCUS or XLSX) read with {@code COPY (SELECT …) TO STDOUT} on a JDBC connection of its
 * own: rows are parsed where they lie in the driver's bytes, priced by a {@link LinePricer} (once per
 * key and span of books in force), summed into lines as {@link ExportLines} does (same order, same
 * keys, the same {@link LineCosts}) and written by its {@link ExportWriter} straight into
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


	private final ExportBuffer out = new ExportBuffer();

	private final ExportWriter writer;

	private @Nullable CopyOut copy;

	private boolean done;

	/** The line being summed; {@code lineTenant} null when there is none. */
	private @Nullable String lineTenant;

	private @Nullable String lineSession;

	private @Nullable String lineAgent;

	private String lineModel = "";

	private String lineMetric = "";

	private @Nullable String lineRegion;

	private @Nullable String lineCompute;

	private @Nullable LinePrice linePrice;

	private String lineTags = "";

	private String lineSource = "";

	private boolean lineEstimated;

	private long lineDay;

	private final LineCosts costs;

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
		// the plain CSV and XLSX have no list costs: not worth a multiplication per line
		this.costs = new LineCosts(this.focus);
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
				endLine();
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
		if (this.lineTenant != null && !(tenant.equals(this.lineTenant) && Objects.equals(session, this.lineSession)
				&& Objects.equals(agent, this.lineAgent) && model.equals(this.lineModel)
				&& metric.equals(this.lineMetric) && tags.equals(this.lineTags) && source.equals(this.lineSource)
				&& estimated == this.lineEstimated
				&& price.sameAs(Objects.requireNonNull(this.linePrice))
				&& (!this.focus || (day == this.lineDay && Objects.equals(region, this.lineRegion)
						&& Objects.equals(compute, this.lineCompute))))) {
			endLine();
		}
		if (this.lineTenant == null) {
			this.lineTenant = tenant;
			this.lineSession = session;
			this.lineAgent = agent;
			this.lineModel = model;
			this.lineMetric = metric;
			this.lineRegion = region;
			this.lineCompute = compute;
			this.linePrice = price;
			this.lineTags = tags;
			this.lineSource = source;
			this.lineEstimated = estimated;
			this.lineDay = day;
		}
		this.costs.add(price, quantity);
	}

	/** Writes the line being summed, if any. */
	private void endLine() {
		String tenant = this.lineTenant;
		LinePrice price = this.linePrice;
		if (tenant == null || price == null) {
			return;
		}
		AppliedPrice applied = price.applied();
		BigDecimal quantity = this.costs.quantity();
		RunningCosts.Costs costs = this.costs.finish();
		ExportLine line = new ExportLine(tenant, this.lineSession, this.lineAgent, this.lineModel, this.lineMetric,
				this.focus ? this.lineRegion : null, this.focus ? this.lineCompute : null, applied.unit(),
				price.unitPrice(), price.listUnitPrice(), applied.bookId(), applied.currency(), this.lineTags,
				this.focus ? Instant.ofEpochSecond(this.lineDay * 86_400L) : null, quantity, costs.cost(),
				costs.listCost(), this.lineSource, this.lineEstimated);
		this.writer.line(line, this.out);
		this.lineTenant = null;
		this.linePrice = null;
	}

	private String tags(String raw) {
		String sorted = this.tagsJson.get(raw);
		if (sorted == null) {
			if (this.tagsJson.size() > REMEMBERED) {
				this.tagsJson.clear();
			}
			Map<String, String> tags = this.json.readValue(raw, TAGS);
			sorted = tags.isEmpty() ? "{}" : this.json.writeValueAsString(new TreeMap<>(tags));
			this.tagsJson.put(raw, sorted);
		}
		return sorted;
	}

}
