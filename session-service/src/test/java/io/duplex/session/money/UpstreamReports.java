package io.duplex.session.money;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.springframework.beans.factory.config.BeanPostProcessor;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.TokenUsage;
import reactor.core.publisher.Mono;

/**
 * The fake upstream's own record of what it billed: the sandbox provider of the application, seen
 * through a listener that notes every {@code response.done} (with its usage) the sandbox delivers
 * to the engine, by session, before the engine handles it. Whatever the engine then does with it,
 * this is what the model "charged" Duplex for. Registered as a bean post-processor that wraps the
 * application's sandbox provider in a recording one (test only: nothing in the application
 * changes).
 */
final class UpstreamReports implements BeanPostProcessor {

	/** One {@code response.done} as the sandbox reported it. */
	record Reported(String responseId, String status, TokenUsage usage) {
	}

	private final Map<String, Queue<Reported>> bySession = new ConcurrentHashMap<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		// by name, not class: another test configuration may have wrapped the sandbox already
		return (bean instanceof ModelProvider provider && "sandbox".equals(provider.name()))
				? new RecordingSandbox(provider) : bean;
	}

	/** What the sandbox reported for the session's responses, in the order it reported them. */
	List<Reported> of(String sessionId) {
		Queue<Reported> reported = this.bySession.get(sessionId);
		return (reported != null) ? List.copyOf(reported) : List.of();
	}

	/** The sandbox, unchanged, with every response's end noted as it is delivered. */
	private final class RecordingSandbox implements ModelProvider {

		private final ModelProvider sandbox;

		RecordingSandbox(ModelProvider sandbox) {
			this.sandbox = sandbox;
		}

		@Override
		public String name() {
			return this.sandbox.name();
		}

		@Override
		public Mono<Void> admit(Placement placement, ModelInfo model) {
			return this.sandbox.admit(placement, model);
		}

		@Override
		public Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener) {
			String session = settings.sessionId();
			return this.sandbox.open(settings, (event) -> {
				if (event instanceof ProviderEvent.ResponseDone done) {
					// runs on the sandbox's timer or the engine's thread: a lock-free queue, never a wait
					UpstreamReports.this.bySession.computeIfAbsent(session, (id) -> new ConcurrentLinkedQueue<>())
						.add(new Reported(done.responseId(), done.status(), done.usage()));
				}
				listener.onEvent(event);
			});
		}

	}

}
