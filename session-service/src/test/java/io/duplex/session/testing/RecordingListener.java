package io.duplex.session.testing;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;

/** A provider listener that records every event, in order, for a provider's tests to wait on. */
public final class RecordingListener implements ProviderListener {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final List<ProviderEvent> events = new CopyOnWriteArrayList<>();

	@Override
	public void onEvent(ProviderEvent event) {
		this.events.add(event);
	}

	/** Every event so far. */
	public List<ProviderEvent> events() {
		return List.copyOf(this.events);
	}

	/** The events of {@code type} so far. */
	public <T extends ProviderEvent> List<T> all(Class<T> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	/** Waits (five seconds at most) for the {@code n}th event of {@code type} and returns it. */
	public <T extends ProviderEvent> T await(Class<T> type, int n) {
		Awaitility.await().atMost(WAIT).until(() -> all(type).size() >= n);
		return all(type).get(n - 1);
	}

	/** The output audio of every delta so far, concatenated. */
	public byte[] audio() {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		all(ProviderEvent.AudioDelta.class).forEach((delta) -> all.writeBytes(delta.pcm()));
		return all.toByteArray();
	}

}
