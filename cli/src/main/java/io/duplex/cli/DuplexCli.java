package io.duplex.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;

import reactor.util.Loggers;

/**
 * The entry point of {@code duplex-cli.jar}, run by {@code ./duplex talk} and {@code ./duplex bench}:
 * picks the command and turns failures into a message and an exit code (0 done, 1 failed, 2 usage).
 */
public final class DuplexCli {

	static final int FAILED = 1;

	static final int USAGE = 2;

	private DuplexCli() {
	}

	public static void main(String[] args) {
		quietLogs();
		System.exit(run(Arrays.asList(args), System.out, System.err, System.getenv()));
	}

	static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
		String command = args.isEmpty() ? "help" : args.getFirst();
		List<String> options = args.isEmpty() ? List.of() : args.subList(1, args.size());
		try {
			return switch (command) {
				case "talk" -> talk(options, out, env);
				case "bench" -> Bench.run(BenchOptions.parse(options, env), out);
				case "help", "--help", "-h" -> {
					out.println(TalkOptions.USAGE);
					out.println(BenchOptions.USAGE);
					yield 0;
				}
				default -> throw new UsageException("Unknown command '" + command + "'; use talk or bench.");
			};
		}
		catch (UsageException ex) {
			err.println("duplex " + command + ": " + ex.getMessage());
			err.println(command.equals("bench") ? BenchOptions.USAGE : TalkOptions.USAGE);
			return USAGE;
		}
		catch (CliException ex) {
			err.println("duplex " + command + ": " + ex.getMessage());
			return FAILED;
		}
	}

	/**
	 * A command line reports failures in its own words: Reactor's and Netty's warnings (a refused
	 * handshake comes with a stack trace) would bury them, so only severe log records are shown.
	 */
	static void quietLogs() {
		Loggers.useJdkLoggers();
		java.util.logging.Logger.getLogger("").setLevel(Level.SEVERE);
	}

	private static int talk(List<String> options, PrintStream out, Map<String, String> env) {
		if (options.stream().anyMatch((option) -> option.equals("--make-wav") || option.startsWith("--make-wav="))) {
			TalkOptions.MakeWav make = TalkOptions.MakeWav.parse(options);
			short[] samples = SpeechLike.withLeadingSilence(make.seconds());
			Wav.write(make.file(), samples);
			out.println(String.format(Locale.ROOT, "Wrote %s: %.2f s of speech-like audio after %.1f s of silence "
					+ "(PCM16, 24 kHz, mono).", make.file(), make.seconds(), SpeechLike.LEADING_SILENCE_SECONDS));
			return 0;
		}
		return new Talk(TalkOptions.parse(options, env), out).run();
	}

}
