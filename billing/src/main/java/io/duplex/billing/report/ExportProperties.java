package io.duplex.billing.report;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Positive;

/**
 * Limits of usage exports ({@code GET /v1/usage/export}), so that exports cannot take the database
 * or the node from other tenants. Counts are per node.
 * @param maxConcurrent exports a node produces at once: the size of the export connection pool;
 * past it 429 {@code export-limit-exceeded} rather than a queue
 * @param maxConcurrentPerTenant exports of one tenant a node serves at once, from admission until
 * the client has the whole file (a platform admin's export across tenants counts as one tenant);
 * past it 429 {@code export-limit-exceeded}
 * @param maxRange the longest period ({@code to − from}) one export may cover; past it 422
 * @param maxDuration the longest one export may take to produce its file; past it the export is
 * aborted (its connection closed, its file deleted) and answered 503
 * {@code export-duration-exceeded}
 * @param maxSpoolSize the largest file one export may produce; past it the export is aborted and
 * answered 422 {@code export-too-large}
 * @param maxDownloadStall the longest a download may go without the client taking any of it;
 * past it the connection is closed and the file deleted, so a reader that stopped reading does not
 * hold its tenant's export slot and the node's disk for ever
 * @param spoolDir where exports' files are written before they are sent; unset:
 * {@code <duplex.data-dir>/exports} when a data directory is set, else {@code java.io.tmpdir}
 */
@Validated
@ConfigurationProperties("duplex.billing.exports")
public record ExportProperties(@DefaultValue("2") @Positive int maxConcurrentPerTenant,
		@DefaultValue("4") @Positive int maxConcurrent, @DefaultValue("366d") Duration maxRange,
		@DefaultValue("5m") Duration maxDuration, @DefaultValue("2GB") DataSize maxSpoolSize,
		@DefaultValue("60s") Duration maxDownloadStall, @Nullable String spoolDir) {

}
