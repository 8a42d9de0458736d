package io.duplex.session.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import reactor.test.StepVerifier;

/** Provider sessions for a provider's tests: opened, and fed audio as the engine feeds it. */
public final class ProviderSessions {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private ProviderSessions() {
	}

	/** Opens a session, expecting it to open within five seconds. */
	public static ProviderSession open(ModelProvider provider, ProviderSettings settings, ProviderListener listener) {
		AtomicReference<ProviderSession> session = new AtomicReference<>();
		StepVerifier.create(provider.open(settings, listener))
			.consumeNextWith(session::set)
			.expectComplete()
			.verify(WAIT);
		return session.get();
	}

	/** {@code ms} of 24 kHz audio, each sample distinct from its neighbours. */
	public static short[] speech(int ms) {
		short[] samples = new short[ms * 24];
		for (int i = 0; i < samples.length; i++) {
			samples[i] = (short) ((i * 977) ^ (i >> 3));
		}
		return samples;
	}

	/** Appends {@code samples} in 20 ms frames, as the engine does. */
	public static void append(ProviderSession session, short[] samples) {
		for (int at = 0; at < samples.length; at += 480) {
			session.appendAudio(samples, at, Math.min(480, samples.length - at));
		}
	}

	/** The samples as little-endian PCM16. */
	public static byte[] pcm(short[] samples) {
		byte[] bytes = new byte[samples.length * 2];
		for (int i = 0; i < samples.length; i++) {
			bytes[2 * i] = (byte) samples[i];
			bytes[2 * i + 1] = (byte) (samples[i] >> 8);
		}
		return bytes;
	}

}
