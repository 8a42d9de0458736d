package io.duplex.test;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The one list of blocking calls allowed on non-blocking threads (Reactor's parallel and single
 * schedulers, Reactor Netty's and R2DBC's event loops) in every module's tests; see "Never
 * blocking an event loop" in docs/architecture.md. BlockHound is installed once per test JVM by
 * {@code blockhound-junit-platform}, which loads this class through {@code META-INF/services}
 * (after the integrations of Reactor, Netty and Spring, which allow their own). Any other blocking
 * call on such a thread throws {@link BlockingOperationError} there.
 * <p>
 * Each entry names one method, of a library, never a package of ours: a blocking call in our
 * code is moved off the event loop instead.
 */
public final class DuplexBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder
			// once per JVM, when the first Reactor Netty client or server picks its transport: Netty
			// reads its native epoll library out of its jar and the JDK prints its native-access warning
			.allowBlockingCallsInside("io.netty.util.internal.NativeLibraryLoader", "load")
			// Netty's pooled allocator takes a magazine's lock for the instant it frees or regroups
			// its chunks; another event loop holds it as briefly (seen under a flood of large frames)
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
			// new SecureRandom() (ids, tokens) reads /dev/urandom, the kernel's generator, which
			// answers at once and never waits once the kernel is seeded at boot
			.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes")
			// a message bundle (validation messages, JSON Schema errors) is read from its jar on first
			// use, then served from the JDK's cache
			.allowBlockingCallsInside("java.util.ResourceBundle", "getBundleImpl")
			// springdoc builds the OpenAPI document on its first request, scanning the classpath for
			// its definitions and webhooks, then serves it from its cache
			.allowBlockingCallsInside("org.springdoc.api.AbstractOpenApiResource", "getOpenApi")
			// Jackson builds the deserializer of a type once, under its cache's lock, then serves it
			// from the cache; a second thread meeting the same new type waits out that first build
			.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer")
			// a cancelled export download closes its spool's file channel, which waits for the one
			// read in flight (a chunk of a local file) to end; moving the cancel off the event loop
			// instead races the read and leaks its buffer
			.allowBlockingCallsInside("org.springframework.core.io.buffer.DataBufferUtils", "closeChannel")
			.blockingMethodCallback((method) -> {
				BlockingOperationError error = new BlockingOperationError(method);
				BlockingCalls.record(error);
				// also printed: the error may end in a 500 or a dropped signal a test does not look at
				System.err.println("Blocking call on non-blocking thread " + Thread.currentThread().getName());
				error.printStackTrace();
				throw error;
			});
	}

}
