package io.duplex.session.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TextDelta;
import reactor.core.scheduler.Schedulers;

import static io.duplex.session.sandbox.TestSandbox.AUDIO;
import static io.duplex.session.sandbox.TestSandbox.TEXT;
import static io.duplex.session.sandbox.TestSandbox.response;
import static io.duplex.session.sandbox.TestSandbox.userText;
import static org.assertj.core.api.Assertions.assertThat;

/** The sandbox on the scheduler it runs on in production, with real (short) delays. */
class SandboxRealTimeTests {

	private final BlockingQueue<ProviderEvent> events = new LinkedBlockingQueue<>();

	private final SandboxSession session = new SandboxSession(TestSandbox.settings(Duration.ofMillis(50)),
			this.events::add, Schedulers.parallel());

	@Test
	void createResponseThenAnswersNoFasterThanRealTime() throws InterruptedException {
		long start = System.nanoTime();
		this.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "one two three four five"))));
		List<ProviderEvent> received = until(ResponseDone.class);
		long elapsedMs = (System.nanoTime() - start) / 1_000_000;
		// 50 ms to the first word, then 20 ms for each of the four others
		assertThat(elapsedMs).isGreaterThanOrEqualTo(130);
		assertThat(received.stream().filter(TextDelta.class::isInstance).map((e) -> ((TextDelta) e).delta()))
			.containsExactly("one", " two", " three", " four", " five");
		assertThat(((ResponseDone) received.getLast()).status()).isEqualTo("completed");
	}

	@Test
	void cancelResponseFromAnotherThreadThenNothingFollowsTheCancelledDone() throws InterruptedException {
		this.session.createResponse(response("resp_1", AUDIO, List.of(userText("item_1", "a fairly long answer to cut"))));
		until(AudioDelta.class);
		this.session.cancelResponse();
		List<ProviderEvent> received = until(ResponseDone.class);
		assertThat(((ResponseDone) received.getLast()).status()).isEqualTo("cancelled");
		assertThat(this.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
		this.session.close();
	}

	/** The events up to and including the first of {@code type}. */
	private List<ProviderEvent> until(Class<? extends ProviderEvent> type) throws InterruptedException {
		List<ProviderEvent> received = new ArrayList<>();
		while (received.isEmpty() || !type.isInstance(received.getLast())) {
			ProviderEvent event = this.events.poll(5, TimeUnit.SECONDS);
			assertThat(event).as("an event within 5 s").isNotNull();
			received.add(event);
		}
		return received;
	}

}
