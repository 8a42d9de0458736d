package io.duplex.billing.report;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * How an export's rated lines become its file: CSV, FOCUS or XLSX, written into an
 * {@link ExportBuffer} by {@link CopyExport} as it reads them. One instance per export.
 * @param byDay whether lines are split by UTC day, region and pool (and read in that order), as
 * FOCUS wants
 * @param header what the file begins with (nothing when empty)
 * @param lines writes a line
 * @param ending writes what the file ends with, after the last line
 */
record ExportWriter(boolean byDay, String header, BiConsumer<ExportLine, ExportBuffer> lines,
		Consumer<ExportBuffer> ending) {

	/** Writes what the file begins with. */
	void begin(ExportBuffer out) {
		if (!this.header.isEmpty()) {
			out.text(this.header);
		}
	}

	void line(ExportLine line, ExportBuffer out) {
		this.lines.accept(line, out);
	}

	/** Writes what the file ends with, after the last line. */
	void end(ExportBuffer out) {
		this.ending.accept(out);
	}

	/** The plain CSV export. */
	static ExportWriter csv() {
		return new ExportWriter(false, CsvFormat.HEADER, CsvFormat::write, (out) -> {
		});
	}

	/** The FOCUS export, rows written by {@code format}. */
	static ExportWriter focus(FocusFormat format) {
		return new ExportWriter(true, FocusFormat.HEADER, format::write, (out) -> {
		});
	}

	/** The XLSX export: the workbook's bytes as {@link XlsxFormat} hands them on. */
	static ExportWriter xlsx() {
		XlsxFormat xlsx = new XlsxFormat();
		return new ExportWriter(false, "", (line, out) -> out.bytes(xlsx.add(line)), (out) -> out.bytes(xlsx.finish()));
	}

}
