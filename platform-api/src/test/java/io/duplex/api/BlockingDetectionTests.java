package io.duplex.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.duplex.test.BlockingCalls;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * The check behind "reactive code never blocks an event-loop thread": BlockHound, installed in
 * every test JVM by platform-test, turns a blocking call on a non-blocking thread into a
 * {@link BlockingOperationError}. These tests block on purpose and pass only when it is detected.
 */
class BlockingDetectionTests {

	@Test
	void sleepOnParallelSchedulerWhenBlockHoundInstalledThenBlockingOperationError() {
		Mono.fromCallable(BlockingDetectionTests::sleepBriefly)
			.subscribeOn(Schedulers.parallel())
			.as(StepVerifier::create)
			.expectError(BlockingOperationError.class)
			.verify(Duration.ofSeconds(10));
		expectedBlockingCall();
	}

	@Test
	void sleepOnBoundedElasticWhenBlockHoundInstalledThenAllowed() {
		Mono.fromCallable(BlockingDetectionTests::sleepBriefly)
			.subscribeOn(Schedulers.boundedElastic())
			.as(StepVerifier::create)
			.expectNext("slept")
			.verifyComplete();
	}

	@Test
	void handlerThatSleepsOnReactorNettyEventLoopWhenCalledThenBlockingOperationErrorAnd500() {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicReference<Thread> blockedThread = new AtomicReference<>();
		// Reactor Netty's default event loops, the ones the application's own server runs on
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/sleep", (request, response) -> Mono.fromCallable(() -> {
				blockedThread.set(Thread.currentThread());
				return sleepBriefly();
			}).doOnError(failure::set).flatMap((body) -> response.sendString(Mono.just(body)).then())))
			.bindNow();
		try {
			HttpClient.create()
				.get()
				.uri("http://127.0.0.1:" + server.port() + "/sleep")
				.responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
				.timeout(Duration.ofSeconds(30))
				.as(StepVerifier::create)
				.expectNext(500)
				.verifyComplete();
		}
		finally {
			server.disposeNow();
		}
		assertThat(failure.get()).isInstanceOf(BlockingOperationError.class)
			.hasMessageContaining("java.lang.Thread.sleep");
		assertThat(blockedThread.get()).isInstanceOf(NonBlocking.class);
		assertThat(blockedThread.get().getName()).startsWith("reactor-http-");
		expectedBlockingCall();
	}

	/** This test's block, taken so that {@link io.duplex.test.NoBlockingCalls} does not fail it. */
	private static void expectedBlockingCall() {
		assertThat(BlockingCalls.drain()).singleElement()
			.satisfies((error) -> assertThat(error).hasMessageContaining("java.lang.Thread.sleep"));
	}

	private static String sleepBriefly() throws InterruptedException {
		Thread.sleep(1);
		return "slept";
	}

}
