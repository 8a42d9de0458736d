package io.duplex.session.provider;

/**
 * What the model wrote for a {@link SummaryRequest}, and what writing it cost (it is paid for like
 * any response).
 * @param text the summary; empty when the model wrote none (the request failed after it started)
 */
public record Summary(String text, TokenUsage usage) {
}
