package io.duplex.billing.report;

/**
 * How an export's rated lines become its file: CSV, FOCUS or XLSX, written into an
 * {@link ExportBuffer} by {@link CopyExport} as it reads them. One instance per export.
 */
interface ExportWriter {

	/** Whether lines are split by UTC day, region and pool (and read in that order), as FOCUS wants. */
	boolean byDay();

	/** What the file begins with. */
	void begin(ExportBuffer out);

	void line(ExportLine line, ExportBuffer out);

	/** What the file ends with, after the last line. */
	void end(ExportBuffer out);

	/** The plain CSV export. */
	static ExportWriter csv() {
		return new ExportWriter() {

			@Override
			public boolean byDay() {
				return false;
			}

			@Override
			public void begin(ExportBuffer out) {
				out.text(CsvFormat.HEADER);
			}

			@Override
			public void line(ExportLine line, ExportBuffer out) {
				CsvFormat.write(line, out);
			}

			@Override
			public void end(ExportBuffer out) {
			}

		};
	}

	/** The FOCUS export, rows written by {@code format}. */
	static ExportWriter focus(FocusFormat format) {
		return new ExportWriter() {

			@Override
			public boolean byDay() {
				return true;
			}

			@Override
			public void begin(ExportBuffer out) {
				out.text(FocusFormat.HEADER);
			}

			@Override
			public void line(ExportLine line, ExportBuffer out) {
				format.write(line, out);
			}

			@Override
			public void end(ExportBuffer out) {
			}

		};
	}

	/** The XLSX export: the workbook's bytes as {@link XlsxFormat} hands them on. */
	static ExportWriter xlsx() {
		XlsxFormat xlsx = new XlsxFormat();
		return new ExportWriter() {

			@Override
			public boolean byDay() {
				return false;
			}

			@Override
			public void begin(ExportBuffer out) {
			}

			@Override
			public void line(ExportLine line, ExportBuffer out) {
				out.bytes(xlsx.add(line));
			}

			@Override
			public void end(ExportBuffer out) {
				out.bytes(xlsx.finish());
			}

		};
	}

}
