package io.duplex.session.sandbox;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.TokenUsage;
import io.duplex.session.text.TextTokens;

/**
 * Counts a response's input tokens, and the part of them cached because the session's previous
 * response began with the same context.
 * <p>
 * The input is the instructions followed by every context item. Text (instructions, message text,
 * a function call's name and arguments, a function's output) is counted with
 * {@link TextTokens o200k_base}; an item that carried audio ({@code audioMs > 0}) is counted by
 * its audio only, at the model's input rate, rounding a started token up, and its transcript is
 * not input (so filling it in later does not break the cache). The cached part is the
 * longest run of leading pieces (instructions first, then items) equal to those of the previous
 * response's input, whatever that response's outcome: unlike OpenAI there is no 1,024-token
 * minimum, so the figures stay exact and easy to check.
 */
final class InputMeter {

	/** One piece of an input and its tokens; equal keys are the same piece. */
	private record Piece(Object key, long textTokens, long audioTokens) {
	}

	/** Keeps instructions apart from items in piece keys. */
	private record Instructions(String text) {
	}

	/** An audio item as the model hears it: its audio, whatever transcript the engine adds to it later. */
	private record Audio(String itemId, @Nullable String role, long ms) {
	}

	private List<Piece> previous = List.of();

	private int previousRate = -1;

	/** The input usage (output left at 0) of a response over {@code context}; it becomes the previous input. */
	TokenUsage measure(String instructions, List<ContextItem> context, int audioTokensPerSecond) {
		List<Piece> pieces = new ArrayList<>(context.size() + 1);
		// a changed rate means another model: nothing of the previous input is reusable
		boolean prefix = audioTokensPerSecond == this.previousRate;
		long text = 0;
		long audio = 0;
		long cachedText = 0;
		long cachedAudio = 0;
		for (int i = 0; i <= context.size(); i++) {
			Object key = (i == 0) ? new Instructions(instructions) : key(context.get(i - 1));
			Piece piece;
			if (prefix && i < this.previous.size() && this.previous.get(i).key().equals(key)) {
				// the previous count is reused too, so a long conversation is not tokenized again
				piece = this.previous.get(i);
				cachedText += piece.textTokens();
				cachedAudio += piece.audioTokens();
			}
			else {
				prefix = false;
				piece = count(key, audioTokensPerSecond);
			}
			pieces.add(piece);
			text += piece.textTokens();
			audio += piece.audioTokens();
		}
		this.previous = pieces;
		this.previousRate = audioTokensPerSecond;
		return new TokenUsage(text, audio, cachedText, cachedAudio, 0, 0);
	}

	/** Tokens of {@code ms} of audio at {@code tokensPerSecond}, a started token counting whole. */
	static long audioTokens(long ms, int tokensPerSecond) {
		return Math.ceilDiv(ms * tokensPerSecond, 1_000);
	}

	private static Object key(ContextItem item) {
		return (item.audioMs() > 0) ? new Audio(item.id(), item.role(), item.audioMs()) : item;
	}

	private static Piece count(Object key, int audioTokensPerSecond) {
		return switch (key) {
			case Instructions instructions -> new Piece(key, TextTokens.count(instructions.text()), 0);
			case Audio audio -> new Piece(key, 0, audioTokens(audio.ms(), audioTokensPerSecond));
			case ContextItem item -> new Piece(key, textTokens(item), 0);
			default -> throw new IllegalArgumentException("Not a piece of input: " + key);
		};
	}

	private static long textTokens(ContextItem item) {
		long tokens = TextTokens.count(item.text());
		if ("function_call".equals(item.type()) && item.name() != null) {
			tokens += TextTokens.count(item.name());
		}
		return tokens;
	}

}
