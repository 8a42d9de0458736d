package io.duplex.core.web;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** The request id filter: what context propagation carries, and the access log's line per request. */
class RequestIdFilterTests {

	@Test
	void loadedThenOnlyTheRequestIdIsPropagatedNotTheObservationNorSecurity() {
		assertThat(new RequestIdFilter().getOrder()).isNegative();
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).extracting(ThreadLocalAccessor::key)
			.contains(RequestIdFilter.CONTEXT_KEY)
			.doesNotContain(RequestIdFilter.OBSERVATION_ACCESSOR_KEY)
			.doesNotContainAnyElementsOf(RequestIdFilter.UNUSED_ACCESSOR_KEYS);
	}

	@Test
	void requestAnsweredOrAbandonedThenEachGetsOneAccessLine() {
		Logger logger = (Logger) LoggerFactory.getLogger("duplex.access");
		Level level = logger.getLevel();
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		logger.setLevel(Level.INFO);
		try {
			RequestIdFilter filter = new RequestIdFilter();
			MockServerWebExchange answered = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/agents"));
			filter.filter(answered, (exchange) -> {
				exchange.getResponse().setStatusCode(HttpStatus.OK);
				return Mono.empty();
			}).block();
			MockServerWebExchange abandoned = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/tenants"));
			Disposable waiting = filter.filter(abandoned, (exchange) -> Mono.never()).subscribe();
			waiting.dispose();

			List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
			assertThat(messages).hasSize(2);
			assertThat(messages.get(0)).matches("GET /v1/agents 200 \\d+ms");
			assertThat(messages.get(1)).matches("POST /v1/tenants - \\d+ms cancelled");
		}
		finally {
			logger.detachAppender(lines);
			logger.setLevel(level);
		}
	}

}
