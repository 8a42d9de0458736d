package io.duplex.core.usage;

import java.util.List;

import reactor.core.publisher.Mono;

/** Port: appends usage to the ledger, once per idempotency key. Implemented by billing. */
public interface UsageSink {

	/**
	 * Records {@code events}, each with the source it carries; an event whose (tenant, source,
	 * idempotency key) is already recorded is skipped, however late it comes.
	 * @return how many events were new
	 */
	Mono<Integer> record(List<UsageEvent> events);

}
