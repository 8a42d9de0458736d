package io.duplex.session.engine;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Positive;

/**
 * Limits of realtime sessions.
 * @param idleTimeout end a session after this long without a client event
 * @param maxDuration end a session that has run this long (the tenant's hard limit)
 * @param eventsPerSecond sustained client events per second allowed (audio at 20 ms frames is 50)
 * @param eventBurst client events allowed in a burst above the sustained rate
 * @param audioAhead how far the audio a client appended may run ahead of wall time before the
 * session ends: short bursts of recorded audio stay normal, an endless flood does not
 * @param outboundBuffer server events queued for one slow client before its session ends
 * @param outboundBufferSize bytes of server events (UTF-8) queued for one client and not yet taken
 * by its socket; a client that stays above it for {@code outboundGrace} (or reaches four times it)
 * gets {@code client_too_slow} and close 1008
 * @param outboundGrace how long a client may stay above {@code outboundBufferSize} (a network
 * hiccup) before its session ends
 * @param maxFrameSize the largest WebSocket frame the server reads; a larger one is refused by the
 * WebSocket layer from its header, before any of it is buffered (close 1009). Events up to it but
 * over the protocol's 15 MiB are answered with {@code event_too_large}
 * @param maxConversationItems conversation items one session holds in memory; beyond it the oldest
 * are let go (they stay stored), or with {@code truncation: disabled} a client's item is refused
 * @param maxConversationSize text (characters) of the conversation items one session holds in
 * memory, with the same rule
 * @param maxItemText characters of text one client item may carry (a message's text parts, a
 * function call's arguments or a function output), and never more than the model's context
 * window holds at 4 characters a token
 * @param maxIdLength the longest item id (and {@code previous_item_id}, {@code call_id}) a client
 * may send; OpenAI's limit is 32
 * @param maxTools tools one {@code session.update} or {@code response.create} may define
 * @param maxToolsSize characters of JSON all those tool definitions may take together
 * @param maxInstructions characters of {@code instructions} in a {@code session.update} or a
 * {@code response.create}
 * @param inboundBytesPerSecond bytes of client frames per second allowed, sustained: the work one
 * client can make its node do (a second of audio is 64 KB); checked before a frame is decoded
 * @param inboundBurst bytes of client frames allowed at once above that rate; keep it at least
 * {@code maxFrameSize}, or the largest frames are refused
 * @param sandboxDelay how long the sandbox model "thinks" before its first delta
 * @param expiringWarning how long before {@code maxDuration} the client gets
 * {@code duplex.session.expiring}
 * @param resumeGrace how long a session whose socket dropped (or whose server stopped) stays
 * resumable with its resume token; zero turns resume off (a dropped socket ends the session)
 * @param rolloverSummaryTimeout how long a rollover that carries a {@code summary} waits for the
 * agent's model to write it before it condenses the conversation itself
 * @param cancelUsageWait how long a session that ends (or rolls over) with a response in flight
 * waits, after cancelling it upstream, for the upstream to report that response's usage before it
 * closes the upstream; without that report the response is billed from what it produced, marked
 * estimated. The client's side of the session never waits longer than this for it
 */
@Validated
@ConfigurationProperties("duplex.sessions")
public record SessionLimits(@DefaultValue("5m") Duration idleTimeout, @DefaultValue("2h") Duration maxDuration,
		@DefaultValue("200") @Positive int eventsPerSecond, @DefaultValue("400") @Positive int eventBurst,
		@DefaultValue("60s") Duration audioAhead, @DefaultValue("4096") @Positive int outboundBuffer,
		@DefaultValue("300ms") Duration sandboxDelay, @DefaultValue("60s") Duration expiringWarning,
		@DefaultValue("60s") Duration resumeGrace,
		@DefaultValue("2s") Duration rolloverSummaryTimeout, @DefaultValue("4MB") DataSize outboundBufferSize,
		@DefaultValue("10s") Duration outboundGrace, @DefaultValue("16MB") DataSize maxFrameSize,
		@DefaultValue("4096") @Positive int maxConversationItems, @DefaultValue("8388608") @Positive int maxConversationSize,
		@DefaultValue("1048576") @Positive int maxItemText, @DefaultValue("32") @Positive int maxIdLength,
		@DefaultValue("128") @Positive int maxTools, @DefaultValue("262144") @Positive int maxToolsSize,
		@DefaultValue("32768") @Positive int maxInstructions, @DefaultValue("1MB") DataSize inboundBytesPerSecond,
		@DefaultValue("16MB") DataSize inboundBurst, @DefaultValue("2s") Duration cancelUsageWait) {

	/** Whether sessions stay resumable when their socket drops. */
	public boolean resumes() {
		return this.resumeGrace.toMillis() > 0;
	}

}
