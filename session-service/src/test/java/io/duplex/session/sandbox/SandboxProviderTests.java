package io.duplex.session.sandbox;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderSession;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/** The provider as Spring and the engine see it. */
class SandboxProviderTests {

	private final SandboxProvider provider = new SandboxProvider(VirtualTimeScheduler.create());

	@Test
	void nameThenIsSandbox() {
		assertThat(this.provider.name()).isEqualTo("sandbox");
	}

	@Test
	void providerThenIsABeanSpringCanBuild() {
		new ApplicationContextRunner().withUserConfiguration(SandboxProvider.class)
			.run((context) -> assertThat(context).getBean(ModelProvider.class).extracting(ModelProvider::name)
				.isEqualTo("sandbox"));
	}

	@Test
	void openThenEachSessionHasItsOwnUpstreamId() {
		StepVerifier.create(this.provider.open(TestSandbox.settings(), (event) -> {
		}).zipWith(this.provider.open(TestSandbox.settings(), (event) -> {
		}))).assertNext((sessions) -> {
			ProviderSession first = sessions.getT1();
			assertThat(first.upstreamId()).matches("sandbox_[0-9a-f]{24}");
			assertThat(first.upstreamId()).isNotEqualTo(sessions.getT2().upstreamId());
		}).verifyComplete();
	}

}
