package io.duplex.test;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.test.http.server.LocalTestWebServer;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.ClassUtils;

/**
 * Puts the {@link WebTestClient} that Spring Boot makes for a test context with a server
 * ({@code @AutoConfigureWebTestClient}) on {@link TestHttp#connector()}, so that every module's
 * HTTP tests open a connection per request (see {@link TestHttp} for why). Registered in
 * {@code META-INF/spring.factories}, so it applies to every test context of a module that depends
 * on this one.
 */
final class UnpooledWebTestClients implements ContextCustomizerFactory {

	private static final String CUSTOMIZER = "org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer";

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return ClassUtils.isPresent(CUSTOMIZER, testClass.getClassLoader()) ? new Registration() : null;
	}

	/** Adds the builder customizer to the context; one like another, so contexts stay cacheable. */
	private static final class Registration implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			context.getBeanFactory().registerSingleton(UnpooledConnector.class.getName(), new UnpooledConnector(context));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Registration;
		}

		@Override
		public int hashCode() {
			return Registration.class.hashCode();
		}

	}

	/** A client bound to the context's server gets the unpooled connector; a mock-bound one keeps its own. */
	private record UnpooledConnector(ApplicationContext context) implements WebTestClientBuilderCustomizer {

		@Override
		public void customize(WebTestClient.Builder builder) {
			if (LocalTestWebServer.get(this.context) != null) {
				builder.clientConnector(TestHttp.connector());
			}
		}

	}

}
