package io.duplex.session.cascade;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of {@code multipart/form-data} bodies (RFC 7578) for the fake server: parts
 * delimited by {@code --boundary} lines with CRLF, each with a {@code Content-Disposition} naming
 * it, the body closed by {@code --boundary--}. Anything else is no body at all (null).
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7578">RFC 7578</a>
 */
final class Multipart {

	private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

	private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");

	private final Map<String, byte[]> parts = new HashMap<>();

	private final Map<String, String> filenames = new HashMap<>();

	private Multipart() {
	}

	static Multipart parse(String contentType, byte[] body) {
		if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
			return null;
		}
		Matcher boundary = BOUNDARY.matcher(contentType);
		if (!boundary.find()) {
			return null;
		}
		byte[] delimiter = ("--" + boundary.group(1)).getBytes(StandardCharsets.US_ASCII);
		byte[] separator = ("\r\n--" + boundary.group(1)).getBytes(StandardCharsets.US_ASCII);
		if (indexOf(body, delimiter, 0) != 0) {
			return null;
		}
		Multipart form = new Multipart();
		int at = delimiter.length;
		while (true) {
			if (body.length >= at + 2 && body[at] == '-' && body[at + 1] == '-') {
				return form;
			}
			if (body.length < at + 2 || body[at] != '\r' || body[at + 1] != '\n') {
				return null;
			}
			int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), at + 2);
			if (headersEnd < 0) {
				return null;
			}
			String headers = new String(body, at + 2, headersEnd - at - 2, StandardCharsets.UTF_8);
			int end = indexOf(body, separator, headersEnd + 4);
			if (end < 0) {
				return null;
			}
			Matcher name = NAME.matcher(headers);
			if (!headers.toLowerCase(Locale.ROOT).contains("content-disposition: form-data") || !name.find()) {
				return null;
			}
			form.parts.put(name.group(1), Arrays.copyOfRange(body, headersEnd + 4, end));
			Matcher filename = Pattern.compile("filename=\"([^\"]*)\"").matcher(headers);
			if (filename.find()) {
				form.filenames.put(name.group(1), filename.group(1));
			}
			at = end + separator.length;
		}
	}

	byte[] file(String name) {
		return this.filenames.containsKey(name) ? this.parts.get(name) : null;
	}

	String field(String name) {
		byte[] value = this.parts.get(name);
		return (value != null && !this.filenames.containsKey(name)) ? new String(value, StandardCharsets.UTF_8) : null;
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		outer: for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
