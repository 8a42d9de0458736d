package io.duplex.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every problem {@code type} the code can answer with is a real page under {@code docs/problems/}. */
class ProblemTypeDocsTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/** The slug is the first string literal of a problem's construction. */
	private static final Pattern CONSTRUCTION = Pattern
		.compile("(?:new ProblemException|Problems\\.conflict)\\([^\"]*?\"([a-z][a-z-]*)\"");

	/** Slugs given to Spring's own errors by status (see ProblemWriter). */
	private static final List<String> BY_STATUS = List.of("malformed-request", "unauthorized", "forbidden",
			"not-found", "validation-failed", "internal-error", "method-not-allowed", "unsupported-media-type",
			"not-acceptable");

	@Test
	void everyProblemTypeInTheCodeHasADocsPage() throws IOException {
		Set<String> slugs = new TreeSet<>(BY_STATUS);
		try (Stream<Path> files = Files.walk(ROOT)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java"))
				.filter((path) -> path.toString().contains("/src/main/java/"))
				.toList()) {
				Matcher matcher = CONSTRUCTION.matcher(Files.readString(file));
				while (matcher.find()) {
					slugs.add(matcher.group(1));
				}
			}
		}
		assertThat(slugs).contains("idempotency-key-reused", "not-found");
		assertThat(slugs).allSatisfy((slug) -> assertThat(ROOT.resolve("docs/problems/" + slug + ".md"))
			.as("docs page for problem type " + slug)
			.exists());
	}

}
