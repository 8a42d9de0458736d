package io.duplex.session.engine;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.TokenUsage;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The end of a session that has a response in flight, however it ends (the client closed or
 * dropped its socket, a cut-off, a limit): the model has produced tokens for it that the provider
 * bills. The response is cancelled upstream and the upstream given at most
 * {@code duplex.sessions.cancel-usage-wait} to report its usage (OpenAI answers a cancel with
 * {@code response.done}, status {@code cancelled}, usage included) before it is closed; without
 * that report the response is billed from what it produced, marked estimated. The client was told
 * why at once; its socket closes once this is settled, so never later than the wait. Meanwhile
 * the engine's inputs come here: what closes the session is handled, the rest dropped.
 */
final class SessionClose {

	private static final Logger log = LoggerFactory.getLogger(SessionClose.class);

	private final SessionEngine engine;

	private @Nullable ResponseRun waiting;

	private @Nullable Runnable then;

	private @Nullable Disposable timer;

	SessionClose(SessionEngine engine) {
		this.engine = engine;
	}

	/**
	 * The session is ending: lets go of the response in flight, and runs {@code then} (closing the
	 * upstream and the session's record) once its usage is billed, at once when there is none.
	 */
	void begin(Runnable then) {
		ResponseRun cut;
		try {
			cut = this.engine.responses().cut();
		}
		catch (RuntimeException ex) {
			// the session must close all the same
			log.error("Session {} failed letting go of its response", this.engine.sessionId(), ex);
			cut = null;
		}
		if (cut == null || !this.engine.upstreamOpen()) {
			then.run();
			return;
		}
		this.waiting = cut;
		this.then = then;
		try {
			this.engine.provider().cancelResponse();
		}
		catch (RuntimeException ex) {
			log.debug("Session {} could not cancel its response upstream", this.engine.sessionId(), ex);
		}
		if (this.waiting == null) {
			// settled already: a provider that reports the cancel as it happens
			return;
		}
		this.timer = Mono.delay(this.engine.services().limits.cancelUsageWait(), this.engine.services().scheduler)
			.subscribe((tick) -> this.engine.closing(this::giveUp), null, null, Context.empty());
	}

	/**
	 * An input once the session is ending: only what closes it is handled, the others are dropped.
	 * @param generation the current upstream's: only its events count
	 */
	void handle(Input input, int generation) {
		switch (input) {
			// a rollover's upstream that opened after the session ended
			case Input.Switched late -> late.session().close();
			// the first upstream, opened while the session was ended (e.g. asked to stop as it opened)
			case Input.Opened late -> late.session().close();
			case Input.FromProvider provider -> {
				if (provider.generation() == generation) {
					// the response cut by the end may still report its usage
					onProviderEvent(provider.event());
				}
			}
			case Input.Closing step -> step.step().run();
			case Input.FromClient dropped -> {
			}
			case Input.SwitchFailed dropped -> {
			}
			case Input.Deferred dropped -> {
			}
			case Input.Tick dropped -> {
			}
			case Input.ServerShutdown dropped -> {
			}
			case Input.Stop dropped -> {
			}
		}
	}

	/** An event of the current upstream while the session ends: only the end of the response matters. */
	private void onProviderEvent(ProviderEvent event) {
		ResponseRun run = this.waiting;
		switch (event) {
			case ProviderEvent.ResponseDone done when run != null && done.responseId().equals(run.response.id()) ->
				settle(run, done.status(), done.usage());
			case ProviderEvent.Failed failed when failed.fatal() -> giveUp();
			case ProviderEvent.UsageReported reported -> this.engine.responses().onProviderEvent(reported);
			case ProviderEvent.ResponseDone late -> this.engine.responses().onProviderEvent(late);
			case ProviderEvent.InputTranscribed transcribed -> this.engine.responses().onProviderEvent(transcribed);
			default -> {
				// output after the cancel reaches nobody, and is not what the client was given
			}
		}
	}

	/** The upstream did not report in time, or is gone: what the response produced is billed as estimated. */
	private void giveUp() {
		ResponseRun run = this.waiting;
		if (run != null) {
			settle(run, "cancelled", ResponseMeter.estimate(this.engine, run));
		}
	}

	private void settle(ResponseRun run, String status, TokenUsage usage) {
		this.waiting = null;
		if (this.timer != null) {
			this.timer.dispose();
		}
		Runnable next = this.then;
		this.then = null;
		try {
			this.engine.responses().meter.response(run, status, usage);
		}
		finally {
			// a failure to bill must not keep the session from closing
			if (next != null) {
				next.run();
			}
		}
	}

}
