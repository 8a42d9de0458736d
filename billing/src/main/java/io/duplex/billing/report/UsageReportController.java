package io.duplex.billing.report;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.duplex.core.web.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/usage}: rated usage of the caller's tenant (finance and tenant admin keys; platform
 * admins across tenants, narrowed with {@code tenant}), as a grouped report or an export (CSV,
 * FOCUS 1.2 CSV, XLSX).
 */
@RestController
@RequestMapping("/v1/usage")
@ConditionalOnRole(DuplexRole.BILLING)
class UsageReportController {

	static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv;charset=UTF-8;header=present");

	static final MediaType XLSX = MediaType
		.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

	private final UsageReportService reports;

	UsageReportController(UsageReportService reports) {
		this.reports = reports;
	}

	@GetMapping
	Mono<UsageReportService.UsageReport> report(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
			@RequestParam(name = "group_by", required = false) @Nullable String groupBy,
			@RequestParam(required = false) @Nullable String tenant,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String model) {
		return this.reports.report(UsageQuery.of(caller, from, to, groupBy, tenant, agent, model));
	}

	/**
	 * The export as a file made whole before its first byte is sent (see {@link CopyExports}), so
	 * its limits answer as problems (429, 422, 503) rather than cutting a download, and it carries
	 * its {@code Content-Length}.
	 */
	@GetMapping("/export")
	@ApiResponse(responseCode = "200", description = "The export: CSV (format=csv, focus) or XLSX (format=xlsx)",
			content = { @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
					@Content(mediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
							schema = @Schema(type = "string", format = "binary")) })
	@ApiResponse(responseCode = "429", description = "export-limit-exceeded: the tenant's or the server's "
			+ "concurrent exports are at their limit; retry after Retry-After")
	@ApiResponse(responseCode = "503", description = "export-duration-exceeded: the file was not ready "
			+ "within the limit and was aborted")
	Mono<ResponseEntity<Flux<DataBuffer>>> export(@AuthenticationPrincipal Caller caller, ServerHttpResponse response,
			@RequestParam(required = false) @Nullable String format,
			@RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String tenant,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String model) {
		UsageQuery query = UsageQuery.of(caller, from, to, null, tenant, agent, model);
		UsageReportService.ExportFormat exportFormat = switch ((format != null) ? format : "csv") {
			case "csv" -> UsageReportService.ExportFormat.CSV;
			case "focus" -> UsageReportService.ExportFormat.FOCUS;
			case "xlsx" -> UsageReportService.ExportFormat.XLSX;
			default -> throw Problems.validation("format", "must be csv, focus or xlsx");
		};
		String name = "usage-" + fileTime(query.from()) + "-" + fileTime(query.to())
				+ switch (exportFormat) {
					case CSV -> ".csv";
					case FOCUS -> "-focus.csv";
					case XLSX -> ".xlsx";
				};
		MediaType type = (exportFormat == UsageReportService.ExportFormat.XLSX) ? XLSX : TEXT_CSV;
		return this.reports.export(query, exportFormat)
			.map((spool) -> ResponseEntity.ok()
				.contentType(type)
				.contentLength(spool.size())
				.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
				.body(spool.read(response.bufferFactory())));
	}

	/** An instant fit for a file name: {@code 20261101T000000Z}. */
	private static String fileTime(java.time.Instant instant) {
		return instant.toString().replace("-", "").replace(":", "");
	}

}
