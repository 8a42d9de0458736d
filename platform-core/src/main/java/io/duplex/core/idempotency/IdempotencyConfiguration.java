package io.duplex.core.idempotency;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import io.duplex.core.schedule.BackgroundJob;
import io.duplex.core.schema.SchemaMigrations;
import io.duplex.core.web.ProblemWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import tools.jackson.databind.json.JsonMapper;

/** Wires idempotent POST handling and the hourly purge of expired keys. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyConfiguration {

	private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);

	@Bean
	IdempotencyStore idempotencyStore(DatabaseClient db, SchemaMigrations migrated, IdempotencyProperties properties) {
		return new IdempotencyStore(db, properties);
	}

	@Bean
	IdempotencyFilter idempotencyFilter(IdempotencyStore store, JsonMapper json, ObjectProvider<AnswerSealer> sealer,
			IdempotencyProperties properties) {
		AnswerSealer available = sealer.getIfAvailable();
		if (available == null) {
			log.warn("No answer sealer in this process: answers to Idempotency-Key requests are not kept, "
					+ "and a replay answers 409 idempotency-answer-withheld");
		}
		return new IdempotencyFilter(store, new ProblemWriter(json), available, properties);
	}

	@Bean
	DisposableBean idempotencyPurge(IdempotencyStore store, ObjectProvider<MeterRegistry> meters) {
		// without a registry in the context (a slice of the application) the runs go unrecorded
		BackgroundJob purge = BackgroundJob.start("idempotency-purge", Duration.ofMinutes(1), Duration.ofHours(1),
				meters.getIfAvailable(() -> Metrics.globalRegistry), store::purgeExpired);
		return purge::close;
	}

}
