package io.duplex.session.sandbox;

import org.springframework.stereotype.Component;

import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.text.TextTokens;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code sandbox} provider: the deterministic test-mode model (see the package description).
 * Public so that tests of other packages, the engine's first, can build one, on a virtual-time
 * scheduler if they like.
 */
@Component
public class SandboxProvider implements ModelProvider {

	static final String NAME = "sandbox";

	private final Scheduler scheduler;

	/** Times responses on the shared parallel scheduler: its tasks here are short and never block. */
	public SandboxProvider() {
		this(Schedulers.parallel());
	}

	/** Times responses on {@code scheduler}, e.g. a virtual-time one in tests. */
	public SandboxProvider(Scheduler scheduler) {
		this.scheduler = scheduler;
		// loads the tokenizer's vocabulary now, at startup, rather than on a reactive thread later
		TextTokens.count("sandbox");
	}

	@Override
	public String name() {
		return NAME;
	}

	/** Opens a session at once; never empty, never an error. */
	@Override
	public Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener) {
		return Mono.fromSupplier(() -> new SandboxSession(settings, listener, this.scheduler));
	}

}
