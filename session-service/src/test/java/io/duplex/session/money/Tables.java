package io.duplex.session.money;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import io.duplex.test.Csv;

/**
 * Readers of the exports, independent of the code that writes them: RFC 4180 CSV and the first
 * worksheet of an XLSX workbook (shared strings, inline strings and numbers), each as rows keyed
 * by the header row's names, so that columns added later do not move what a test reads.
 */
final class Tables {

	private Tables() {
	}

	/** The rows of a CSV text after its header, by column name. */
	static List<Map<String, String>> csv(String text) {
		return keyed(Csv.parse(text));
	}

	/** The rows of the first worksheet of an XLSX workbook after its header, by column name. */
	static List<Map<String, String>> xlsx(byte[] workbook) {
		try {
			// read through the central directory, as spreadsheet programs do (entries may be
			// streamed with data descriptors, which ZipInputStream does not read)
			Path file = Files.createTempFile("export", ".xlsx");
			try {
				Files.write(file, workbook);
				try (ZipFile zip = new ZipFile(file.toFile())) {
					List<String> shared = new ArrayList<>();
					ZipEntry strings = zip.getEntry("xl/sharedStrings.xml");
					if (strings != null) {
						try (InputStream in = zip.getInputStream(strings)) {
							shared = sharedStrings(in);
						}
					}
					ZipEntry sheet = zip.getEntry("xl/worksheets/sheet1.xml");
					if (sheet == null) {
						throw new AssertionError("the workbook has no first worksheet");
					}
					try (InputStream in = zip.getInputStream(sheet)) {
						return keyed(sheetRows(in, shared));
					}
				}
			}
			finally {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (XMLStreamException ex) {
			throw new AssertionError("the workbook is not well-formed XML", ex);
		}
	}

	private static List<String> sharedStrings(InputStream in) throws XMLStreamException {
		List<String> strings = new ArrayList<>();
		XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
		StringBuilder item = null;
		boolean inText = false;
		while (xml.hasNext()) {
			int event = xml.next();
			if (event == XMLStreamConstants.START_ELEMENT) {
				if (xml.getLocalName().equals("si")) {
					item = new StringBuilder();
				}
				inText = xml.getLocalName().equals("t");
			}
			else if (event == XMLStreamConstants.CHARACTERS && inText && item != null) {
				item.append(xml.getText());
			}
			else if (event == XMLStreamConstants.END_ELEMENT) {
				if (xml.getLocalName().equals("si") && item != null) {
					strings.add(item.toString());
					item = null;
				}
				inText = false;
			}
		}
		return strings;
	}

	private static List<List<String>> sheetRows(InputStream in, List<String> shared) throws XMLStreamException {
		List<List<String>> rows = new ArrayList<>();
		XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
		TreeMap<Integer, String> row = null;
		int column = -1;
		String type = null;
		StringBuilder value = null;
		while (xml.hasNext()) {
			int event = xml.next();
			if (event == XMLStreamConstants.START_ELEMENT) {
				switch (xml.getLocalName()) {
					case "row" -> row = new TreeMap<>();
					case "c" -> {
						column = column(xml.getAttributeValue(null, "r"));
						type = xml.getAttributeValue(null, "t");
					}
					case "v", "t" -> value = new StringBuilder();
					default -> {
					}
				}
			}
			else if (event == XMLStreamConstants.CHARACTERS && value != null) {
				value.append(xml.getText());
			}
			else if (event == XMLStreamConstants.END_ELEMENT) {
				switch (xml.getLocalName()) {
					case "v", "t" -> {
						String text = value.toString();
						row.put(column, "s".equals(type) ? shared.get(Integer.parseInt(text)) : text);
						value = null;
					}
					case "row" -> {
						List<String> cells = new ArrayList<>();
						int last = row.isEmpty() ? -1 : row.lastKey();
						for (int i = 0; i <= last; i++) {
							cells.add(row.getOrDefault(i, ""));
						}
						rows.add(cells);
						row = null;
					}
					default -> {
					}
				}
			}
		}
		return rows;
	}

	/** The zero-based column of a cell reference such as {@code AB12}. */
	private static int column(String reference) {
		int column = 0;
		for (int i = 0; i < reference.length() && Character.isLetter(reference.charAt(i)); i++) {
			column = column * 26 + (reference.charAt(i) - 'A' + 1);
		}
		return column - 1;
	}

	private static List<Map<String, String>> keyed(List<List<String>> rows) {
		if (rows.isEmpty()) {
			throw new AssertionError("the table has no header row");
		}
		List<String> header = rows.get(0);
		List<Map<String, String>> keyed = new ArrayList<>();
		for (List<String> row : rows.subList(1, rows.size())) {
			Map<String, String> byName = new LinkedHashMap<>();
			for (int i = 0; i < header.size(); i++) {
				byName.put(header.get(i), (i < row.size()) ? row.get(i) : "");
			}
			keyed.add(byName);
		}
		return keyed;
	}

}
