package io.duplex.session.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/** Counts text tokens with {@code o200k_base}, the encoding of GPT-4o-class models. */
public final class TextTokens {

	/** Thread-safe once built; building it reads the 200k-entry vocabulary, so it happens once per JVM. */
	private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

	private TextTokens() {
	}

	/**
	 * The tokens of {@code text}. Special-token markers such as {@code <|endoftext|>} are counted as
	 * ordinary text, since users can type them and must not break the count.
	 */
	public static long count(String text) {
		return text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
	}

}
