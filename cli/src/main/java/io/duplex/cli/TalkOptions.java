package io.duplex.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What {@code duplex talk} was asked to do: which agent, where, with which key, and either a WAV
 * file to speak or a text to type.
 * @param base the server's base URL, {@code http(s)://host:port}
 * @param key the API key sent as the bearer token
 * @param agent the agent's id, {@code agt_…}
 * @param in the WAV file to stream, unless {@code text} is given
 * @param text a text message to send instead of audio
 * @param out where to write the reply's audio as WAV, if anywhere
 * @param quiet print only the summary, not each event
 * @param timeout how long to wait for the reply once the input is sent
 */
record TalkOptions(URI base, String key, String agent, @Nullable Path in, @Nullable String text, @Nullable Path out,
		boolean quiet, Duration timeout) {

	static final String DEFAULT_URL = "http://127.0.0.1:8080";

	static final Set<String> VALUED = Set.of("agent", "url", "key", "in", "out", "text", "timeout");

	static final Set<String> FLAGS = Set.of("quiet");

	static final String USAGE = """
			usage: duplex talk --agent agt_… (--in speech.wav | --text "…") [--out reply.wav]
			                   [--url http://127.0.0.1:8080] [--key $DUPLEX_KEY] [--quiet] [--timeout 60]
			       duplex talk --make-wav hello.wav [--seconds 2]""";

	/**
	 * Parses {@code duplex talk}'s options; {@code DUPLEX_KEY} and {@code DUPLEX_URL} in the
	 * environment stand in for {@code --key} and {@code --url}.
	 * @throws UsageException naming what is missing or wrong
	 */
	static TalkOptions parse(List<String> args, Map<String, String> env) {
		Arguments arguments = Arguments.parse("talk", args, VALUED, FLAGS);
		String agent = arguments.value("agent");
		if (agent == null) {
			throw new UsageException("Name the agent to talk to: --agent agt_… (its id from POST /v1/agents).");
		}
		if (!agent.startsWith("agt_")) {
			throw new UsageException("--agent takes an agent id such as agt_01JD…, not '" + agent + "'.");
		}
		String key = arguments.value("key", env.getOrDefault("DUPLEX_KEY", ""));
		if (key.isBlank()) {
			throw new UsageException("No API key: pass --key or set DUPLEX_KEY (a tenant key, see the README's walk-through).");
		}
		String in = arguments.value("in");
		String text = arguments.value("text");
		if ((in == null) == (text == null)) {
			throw new UsageException((in == null) ? "Say something: --in speech.wav, or type it: --text \"…\"."
					: "--in and --text are alternatives: give one of them.");
		}
		if (text != null && text.isBlank()) {
			throw new UsageException("--text is empty.");
		}
		String out = arguments.value("out");
		double timeout = arguments.number("timeout", 60, 1, 3600);
		URI base = baseUrl(arguments.value("url", env.getOrDefault("DUPLEX_URL", DEFAULT_URL)));
		return new TalkOptions(base, key.strip(), agent, (in != null) ? Path.of(in) : null, text,
				(out != null) ? Path.of(out) : null, arguments.flag("quiet"), Duration.ofMillis((long) (timeout * 1000)));
	}

	/** The socket's address: the base URL with {@code ws(s)} and {@code /v1/realtime?agent=…}. */
	URI realtimeUri() {
		return realtimeUri(this.base, "agent=" + URLEncoder.encode(this.agent, StandardCharsets.UTF_8));
	}

	static URI realtimeUri(URI base, String query) {
		String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
		String path = (base.getRawPath() == null) ? "" : base.getRawPath().replaceAll("/+$", "");
		return URI.create(scheme + "://" + base.getRawAuthority() + path + "/v1/realtime?" + query);
	}

	/**
	 * A server URL as typed: {@code http(s)://host[:port][/path]}, or {@code ws(s)://…} (taken as
	 * http(s)), without query or fragment.
	 * @throws UsageException when it is not such a URL
	 */
	static URI baseUrl(String url) {
		URI uri;
		try {
			uri = new URI(url.strip());
		}
		catch (URISyntaxException ex) {
			throw new UsageException("--url '" + url + "' is not a URL: " + ex.getReason() + ".");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase() : "";
		scheme = switch (scheme) {
			case "http", "ws" -> "http";
			case "https", "wss" -> "https";
			default -> throw new UsageException("--url must start with http:// or https://, like " + DEFAULT_URL + ".");
		};
		if (uri.getRawAuthority() == null || uri.getHost() == null) {
			throw new UsageException("--url '" + url + "' names no host; use e.g. " + DEFAULT_URL + ".");
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new UsageException("--url is the server's base URL, without ?query or #fragment.");
		}
		String path = (uri.getRawPath() == null) ? "" : uri.getRawPath().replaceAll("/+$", "");
		return URI.create(scheme + "://" + uri.getRawAuthority() + path);
	}

	/**
	 * {@code duplex talk --make-wav file [--seconds 2]}: a speech-like test file.
	 * @param file where to write it
	 * @param seconds how long the speech lasts, after its leading silence
	 */
	record MakeWav(Path file, double seconds) {

		static MakeWav parse(List<String> args) {
			Arguments arguments = Arguments.parse("talk --make-wav", args, Set.of("make-wav", "seconds"), Set.of());
			String file = arguments.value("make-wav");
			if (file == null) {
				throw new UsageException("--make-wav needs a file name, e.g. --make-wav hello.wav.");
			}
			return new MakeWav(Path.of(file), arguments.number("seconds", 2, 0.1, 600));
		}

	}

}
