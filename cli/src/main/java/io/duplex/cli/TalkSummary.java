package io.duplex.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** The block {@code duplex talk} ends with: what was sent and heard, the transcript, the usage. */
final class TalkSummary {

	private TalkSummary() {
	}

	/** "2.30 s of speech (44100 Hz stereo, resampled to 24 kHz mono)". */
	static String describe(@Nullable Path file, Wav.Clip clip) {
		String channels = switch (clip.channels()) {
			case 1 -> "mono";
			case 2 -> "stereo";
			default -> clip.channels() + " channels";
		};
		String source = clip.rate() + " Hz " + channels;
		String conversion = (clip.rate() == Wav.RATE && clip.channels() == 1) ? ""
				: ", converted to " + Wav.RATE / 1000 + " kHz mono";
		return String.format(Locale.ROOT, "%.2f s of audio from %s (%s%s)", clip.seconds(), file, source, conversion);
	}

	static void print(PrintStream out, Exchange exchange, TalkOptions options, Wav.@Nullable Clip clip, Talk talk) {
		out.println();
		out.println("Summary");
		row(out, "session", exchange.sessionId + "   agent " + options.agent());
		if (clip != null) {
			row(out, "sent", String.format(Locale.ROOT, "%.2f s of audio + %.2f s of silence in %d chunks of %d ms, "
					+ "streamed in %.2f s (real-time pace)", clip.seconds(),
					Math.max(0, talk.chunksSent * Talk.CHUNK_MS / 1000.0 - clip.seconds()), talk.chunksSent, Talk.CHUNK_MS,
					(talk.streamEndNanos - talk.streamStartNanos) / 1e9));
			row(out, "speech", exchange.speechStarts + " turn" + ((exchange.speechStarts == 1) ? "" : "s")
					+ " detected by the server");
		}
		else {
			row(out, "sent", "text " + Exchange.quote(String.valueOf(options.text())));
		}
		row(out, "responses", exchange.finishedResponses + ((exchange.responseStatuses.isEmpty()) ? ""
				: ": " + String.join(", ", exchange.responseStatuses)));
		if (exchange.firstAudioLatencyNanos >= 0) {
			row(out, "first audio",
					String.format(Locale.ROOT, "%.3f s after the turn ended", exchange.firstAudioLatencyNanos / 1e9));
		}
		byte[] reply = exchange.replyAudio.toByteArray();
		String written = "";
		if (options.out() != null) {
			Wav.write(options.out(), Wav.fromPcm(reply));
			written = " -> " + options.out();
		}
		row(out, "reply", Exchange.ms(reply.length) + " of audio in " + exchange.audioDeltas + " deltas" + written);
		row(out, "elapsed", String.format(Locale.ROOT, "%.2f s", talk.elapsedNanos() / 1e9));

		out.println();
		out.println("Transcript");
		for (Exchange.Said said : exchange.said.values()) {
			transcript(out, said.role, said.text.isEmpty() ? "(no transcript)" : said.text.toString());
		}
		if (exchange.said.isEmpty()) {
			out.println("  (nothing was said)");
		}

		Usage usage = exchange.usage;
		out.println();
		out.println(String.format(Locale.ROOT, "%-16s %10s %10s %10s", "Usage (tokens)", "input", "cached", "output"));
		out.println(String.format(Locale.ROOT, "  %-14s %10d %10d %10d", "text", usage.inputText(), usage.cachedText(),
				usage.outputText()));
		out.println(String.format(Locale.ROOT, "  %-14s %10d %10d %10d", "audio", usage.inputAudio(), usage.cachedAudio(),
				usage.outputAudio()));
		out.println(String.format(Locale.ROOT, "  %-14s %10d %10d %10d   (%d in all)", "total", usage.input(), usage.cached(),
				usage.output(), usage.total()));

		if (!exchange.errors.isEmpty()) {
			out.println();
			out.println("Errors");
			exchange.errors.forEach((error) -> out.println("  " + error));
		}
	}

	private static void row(PrintStream out, String label, String value) {
		out.println(String.format(Locale.ROOT, "  %-12s %s", label, value));
	}

	private static void transcript(PrintStream out, String who, String text) {
		out.println(String.format(Locale.ROOT, "  %-10s %s", who, text.strip()));
	}

}
