package io.duplex.test;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader for tests of exports, independent of the code that writes them: quoted
 * fields, doubled quotes, CRLF rows.
 */
public final class Csv {

	private Csv() {
	}

	/** The rows of {@code text}, header included; fails on a text that does not end its last row. */
	public static List<List<String>> parse(String text) {
		List<List<String>> rows = new ArrayList<>();
		List<String> row = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else if (c == '"') {
					quoted = false;
				}
				else {
					field.append(c);
				}
			}
			else if (c == '"') {
				quoted = true;
			}
			else if (c == ',') {
				row.add(field.toString());
				field.setLength(0);
			}
			else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
				row.add(field.toString());
				field.setLength(0);
				rows.add(row);
				row = new ArrayList<>();
				i++;
			}
			else {
				field.append(c);
			}
		}
		if (quoted || !field.isEmpty() || !row.isEmpty()) {
			throw new AssertionError("the CSV does not end its last row: "
					+ text.substring(Math.max(0, text.length() - 200)));
		}
		return rows;
	}

}
