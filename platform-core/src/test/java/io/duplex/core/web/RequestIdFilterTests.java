package io.duplex.core.web;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What context propagation carries across threads once the request id filter is loaded. */
class RequestIdFilterTests {

	@Test
	void loadedThenOnlyTheRequestIdIsPropagatedNotTheObservationNorSecurity() {
		assertThat(new RequestIdFilter().getOrder()).isNegative();
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).extracting(ThreadLocalAccessor::key)
			.contains(RequestIdFilter.CONTEXT_KEY)
			.doesNotContain(RequestIdFilter.OBSERVATION_ACCESSOR_KEY)
			.doesNotContainAnyElementsOf(RequestIdFilter.UNUSED_ACCESSOR_KEYS);
	}

}
