package io.duplex.session.conversation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.http.MediaType;

import io.duplex.core.web.Problems;

/** The shapes a session's transcript can be read in, chosen with {@code ?format=}. */
enum TranscriptFormat {

	JSON("json", MediaType.APPLICATION_JSON),
	TEXT("text", new MediaType("text", "plain", StandardCharsets.UTF_8)),
	/** @see <a href="https://www.w3.org/TR/webvtt1/">WebVTT</a> */
	VTT("vtt", new MediaType("text", "vtt", StandardCharsets.UTF_8)),
	SRT("srt", new MediaType("application", "x-subrip", StandardCharsets.UTF_8));

	private final String wireName;

	private final MediaType mediaType;

	TranscriptFormat(String wireName, MediaType mediaType) {
		this.wireName = wireName;
		this.mediaType = mediaType;
	}

	MediaType mediaType() {
		return this.mediaType;
	}

	/** The format named {@code name}; 422 naming {@code format} for any other name. */
	static TranscriptFormat of(String name) {
		for (TranscriptFormat format : values()) {
			if (format.wireName.equals(name.toLowerCase(Locale.ROOT))) {
				return format;
			}
		}
		throw Problems.validation("format", "must be one of "
				+ Arrays.stream(values()).map((format) -> format.wireName).collect(Collectors.joining(", ")));
	}

}
