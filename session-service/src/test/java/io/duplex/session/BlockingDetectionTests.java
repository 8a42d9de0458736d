package io.duplex.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.duplex.test.BlockingCalls;
import io.duplex.test.TestKeys;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The check behind "reactive code never blocks an event-loop thread": BlockHound, installed in
 * every test JVM by platform-test, turns a blocking call on a non-blocking thread into a
 * {@link BlockingOperationError}. This test blocks the server's event loop on purpose and passes
 * only when it is detected (platform-api's BlockingDetectionTests block Reactor's own schedulers).
 */
class BlockingDetectionTests {

	@Test
	void endpointThatSleepsOnTheServersEventLoopWhenCalledThenBlockingOperationErrorAnd500() {
		try (SessionNode node = SessionNode.start(Map.of(), BlockingEndpoints.class)) {
			WebClient web = WebClient.builder()
				.baseUrl("http://127.0.0.1:" + node.port())
				.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.PLATFORM_ADMIN)
				.build();
			BlockingEndpoints endpoints = node.bean(BlockingEndpoints.class);

			StepVerifier.create(status(web, "/test/blocking/offloaded")).expectNext(200).verifyComplete();
			assertThat(endpoints.failure.get()).isNull();

			StepVerifier.create(status(web, "/test/blocking/on-event-loop")).expectNext(500).verifyComplete();
			assertThat(endpoints.failure.get()).isInstanceOf(BlockingOperationError.class)
				.hasMessageContaining("java.lang.Thread.sleep");
			// an event loop of the server's: Reactor Netty's, or R2DBC's once the caller's key was looked up
			assertThat(endpoints.blockedThread.get()).isInstanceOf(NonBlocking.class);
			assertThat(endpoints.blockedThread.get().getName()).matches("reactor-(http|tcp)-.*");
			expectedBlockingCall();
		}
	}

	private static Mono<Integer> status(WebClient web, String path) {
		return web.get()
			.uri(path)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.timeout(Duration.ofSeconds(30));
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

	/**
	 * Test-only endpoints on one node of this test's own (not a component: no other test's context
	 * holds them): one that blocks on the event loop, one that moves the same work off it.
	 */
	static class BlockingEndpoints {

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		final AtomicReference<Thread> blockedThread = new AtomicReference<>();

		@Bean
		RouterFunction<ServerResponse> blockingRoutes() {
			return RouterFunctions.route()
				.GET("/test/blocking/on-event-loop", (request) -> Mono.fromCallable(() -> {
					this.blockedThread.set(Thread.currentThread());
					return sleepBriefly();
				}).doOnError(this.failure::set).flatMap((body) -> ServerResponse.ok().bodyValue(body)))
				.GET("/test/blocking/offloaded", (request) -> Mono.fromCallable(BlockingDetectionTests::sleepBriefly)
					.subscribeOn(Schedulers.boundedElastic())
					.doOnError(this.failure::set)
					.flatMap((body) -> ServerResponse.ok().bodyValue(body)))
				.build();
		}

	}

}
