package io.duplex.billing.report;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.duplex.billing.BillingHttpTestSupport;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSink;
import io.duplex.test.Csv;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every export (CSV, FOCUS, XLSX) over HTTP neutralises text a spreadsheet would take for a
 * formula, as OWASP describes: a tenant named {@code =HYPERLINK(…)}, ids and a model beginning with
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return; numbers, negative ones included,
 * stay numbers.
 */
class SpreadsheetSafetyTests extends BillingHttpTestSupport {

	private static final String NAME = "=HYPERLINK(\"http://x\",\"y\")";

	/** A month no other test records usage in. */
	private static final String PERIOD = "from=2164-04-01&to=2164-05-01";

	@Autowired
	private UsageSink sink;

	@Test
	void exportWhenCellsBeginLikeFormulasThenEveryFormatNeutralisesThemAndNumbersStayNumbers() {
		TestTenant tenant = newTenant(NAME);
		String finance = newKey(tenant.id(), "finance");
		Instant at = Instant.parse("2164-04-02T10:00:00Z");
		// a platform meter may carry any text: the ledger stores what it is given
		this.sink.record(List.of(
				new UsageEvent(tenant.id(), "a", "+agt", 1, "-sess", 1, "@model", "\teu-west", "\rpool",
						"output_audio_tokens", new BigDecimal("1000"), at, Map.of("team", "=1+1")),
				// a correction: a negative quantity of a priced model, so a negative cost
				new UsageEvent(tenant.id(), "b", "agt_ok", 1, "sess_ok", 1, "gpt-realtime", "us-east", null,
						"output_audio_tokens", new BigDecimal("-1000"), at, Map.of())))
			.block();

		List<Map<String, String>> csv = table(getText(finance, "/v1/usage/export?format=csv&" + PERIOD));
		assertThat(csv).hasSize(2);
		Map<String, String> formulas = csv.get(0);
		assertThat(formulas).containsEntry("agent", "'+agt")
			.containsEntry("session", "'-sess")
			.containsEntry("model", "'@model")
			.containsEntry("tags", "{\"team\":\"=1+1\"}")
			.containsEntry("tenant", tenant.id());
		Map<String, String> correction = csv.get(1);
		assertThat(correction).containsEntry("quantity", "-1000.000000").containsEntry("cost", "-0.06")
			.containsEntry("agent", "agt_ok");
		assertThat(csv).allSatisfy((row) -> assertSafe(row, Set.of("quantity", "unit_price", "cost")));

		List<Map<String, String>> focus = table(getText(finance, "/v1/usage/export?format=focus&" + PERIOD));
		assertThat(focus).hasSize(2);
		assertThat(focus.get(0)).containsEntry("BillingAccountName", "'" + NAME)
			.containsEntry("SubAccountName", "'" + NAME)
			.containsEntry("x_AgentId", "'+agt")
			.containsEntry("ResourceId", "'-sess")
			.containsEntry("x_Model", "'@model")
			.containsEntry("RegionId", "'\teu-west")
			.containsEntry("RegionName", "'\teu-west")
			.containsEntry("x_ComputePool", "'\rpool");
		assertThat(focus.get(1)).containsEntry("ConsumedQuantity", "-1000.000000")
			.containsEntry("BilledCost", "-0.06")
			.containsEntry("ListCost", "-0.06")
			.containsEntry("PricingQuantity", "-0.001");
		assertThat(focus).allSatisfy((row) -> assertSafe(row, Set.of("BilledCost", "ConsumedQuantity",
				"ContractedCost", "ContractedUnitPrice", "EffectiveCost", "ListCost", "ListUnitPrice", "PricingQuantity")));

		byte[] xlsx = as(finance).get()
			.uri("/v1/usage/export?format=xlsx&" + PERIOD)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody();
		List<Map<String, Cell>> sheet = sheet(xlsx);
		assertThat(sheet).hasSize(2);
		assertThat(sheet.get(0)).containsEntry("agent", Cell.text("'+agt"))
			.containsEntry("session", Cell.text("'-sess"))
			.containsEntry("model", Cell.text("'@model"))
			.containsEntry("source", Cell.text("platform"))
			.containsEntry("estimated", new Cell("b", "0"));
		assertThat(sheet.get(1)).containsEntry("quantity", new Cell("n", "-1000.000000"))
			.containsEntry("cost", new Cell("n", "-0.06"));
		assertThat(sheet).allSatisfy((row) -> assertThat(row.values())
			.allSatisfy((cell) -> assertThat(!"s".equals(cell.type()) || !SpreadsheetCells.needsNeutralising(cell.value()))
				.as(cell.toString())
				.isTrue()));
	}

	/** No text cell of the row could be a formula; its numeric columns are plain decimals, a minus sign allowed. */
	private static void assertSafe(Map<String, String> row, Set<String> numeric) {
		row.forEach((column, value) -> {
			if (numeric.contains(column)) {
				assertThat(value).as(column).matches("(-?[0-9]+(\\.[0-9]+)?)?");
			}
			else {
				assertThat(SpreadsheetCells.needsNeutralising(value)).as(column + ": " + value).isFalse();
			}
		});
	}

	/** A cell of a worksheet: {@code t} as written ({@code s} shared text, {@code n} number, {@code b} boolean). */
	private record Cell(@Nullable String type, String value) {

		static Cell text(String value) {
			return new Cell("s", value);
		}

	}

	/** The rows of a CSV as maps by header, header left out. */
	private static List<Map<String, String>> table(String csv) {
		List<List<String>> rows = Csv.parse(csv);
		List<Map<String, String>> table = new ArrayList<>();
		for (List<String> values : rows.subList(1, rows.size())) {
			Map<String, String> row = new LinkedHashMap<>();
			for (int i = 0; i < values.size(); i++) {
				row.put(rows.get(0).get(i), values.get(i));
			}
			table.add(row);
		}
		return table;
	}

	/** The first worksheet's rows as maps by header, read from the workbook's XML. */
	private static List<Map<String, Cell>> sheet(byte[] xlsx) {
		try {
			Path file = Files.createTempFile("export", ".xlsx");
			try {
				Files.write(file, xlsx);
				// through the central directory, as spreadsheet programs read it
				try (ZipFile zip = new ZipFile(file.toFile())) {
					List<String> strings = new ArrayList<>();
					ZipEntry shared = zip.getEntry("xl/sharedStrings.xml");
					if (shared != null) {
						NodeList items = xml(zip.getInputStream(shared).readAllBytes()).getElementsByTagName("si");
						for (int i = 0; i < items.getLength(); i++) {
							strings.add(items.item(i).getTextContent());
						}
					}
					Document sheet = xml(zip.getInputStream(zip.getEntry("xl/worksheets/sheet1.xml")).readAllBytes());
					NodeList rows = sheet.getElementsByTagName("row");
					List<String> header = new ArrayList<>();
					List<Map<String, Cell>> table = new ArrayList<>();
					for (int r = 0; r < rows.getLength(); r++) {
						NodeList cells = ((Element) rows.item(r)).getElementsByTagName("c");
						Map<String, Cell> row = new HashMap<>();
						for (int c = 0; c < cells.getLength(); c++) {
							Element cell = (Element) cells.item(c);
							String type = cell.hasAttribute("t") ? cell.getAttribute("t") : null;
							String value = cell.getElementsByTagName("v").item(0).getTextContent();
							if ("s".equals(type)) {
								value = strings.get(Integer.parseInt(value));
							}
							int column = cell.getAttribute("r").charAt(0) - 'A';
							if (r == 0) {
								header.add(value);
							}
							else {
								row.put(header.get(column), new Cell(type, value));
							}
						}
						if (r > 0) {
							table.add(row);
						}
					}
					return table;
				}
			}
			finally {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Document xml(byte[] bytes) {
		try {
			return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
