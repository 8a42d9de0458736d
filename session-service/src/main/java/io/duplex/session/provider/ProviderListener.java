package io.duplex.session.provider;

/** Receives a provider session's events, one at a time and in order. */
@FunctionalInterface
public interface ProviderListener {

	void onEvent(ProviderEvent event);

}
