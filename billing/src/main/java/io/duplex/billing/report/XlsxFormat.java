package io.duplex.billing.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * The XLSX export: the CSV export's columns in one worksheet, numbers as numbers. Text cells are
 * typed text, which a spreadsheet never evaluates, and neutralised all the same as the CSV's are
 * ({@link SpreadsheetCells}): a workbook saved again as CSV stays safe. The workbook is
 * written into a small buffer that is handed on every {@value #FLUSH_ROWS} rows, so rows leave as
 * they are written. Excel's shared-strings table (written at the end) keeps each distinct text
 * once, so memory grows with distinct sessions and tags, not with rows.
 */
final class XlsxFormat {

	static final int FLUSH_ROWS = 2000;

	private static final List<String> HEADER = List.of("tenant", "session", "agent", "model", "metric", "quantity",
			"unit", "unit_price", "cost", "currency", "tags", "source", "estimated");

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);

	private final Workbook workbook;

	private final Worksheet sheet;

	private int row;

	XlsxFormat() {
		this.workbook = new Workbook(this.out, "Duplex", "1.0");
		this.sheet = this.workbook.newWorksheet("Usage");
		for (int column = 0; column < HEADER.size(); column++) {
			this.sheet.value(0, column, HEADER.get(column));
		}
		this.row = 1;
	}

	/** Writes the line; the bytes written so far when it is time to hand them on, else an empty array. */
	byte[] add(ExportLine line) {
		int r = this.row++;
		text(r, 0, line.tenantId());
		text(r, 1, line.sessionId());
		text(r, 2, line.agentId());
		text(r, 3, line.model());
		text(r, 4, line.metric());
		this.sheet.value(r, 5, line.quantity());
		text(r, 6, (line.unit() != null) ? line.unit().wireName() : null);
		if (line.unitPrice() != null) {
			this.sheet.value(r, 7, line.unitPrice());
		}
		this.sheet.value(r, 8, line.cost());
		text(r, 9, line.currency());
		text(r, 10, line.tags());
		text(r, 11, line.source());
		this.sheet.value(r, 12, line.estimated());
		if (r % FLUSH_ROWS != 0) {
			return new byte[0];
		}
		try {
			this.sheet.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return drain();
	}

	/** Ends the workbook; the rest of its bytes. */
	byte[] finish() {
		try {
			this.workbook.finish();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return drain();
	}

	/** A text cell, neutralised; none for null. */
	private void text(int r, int column, @Nullable String value) {
		String safe = SpreadsheetCells.text(value);
		if (safe != null) {
			this.sheet.value(r, column, safe);
		}
	}

	private byte[] drain() {
		byte[] bytes = this.out.toByteArray();
		this.out.reset();
		return bytes;
	}

}
