package io.duplex.billing.invoice;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.duplex.core.web.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import reactor.core.publisher.Mono;

/** {@code /v1/invoices}: a tenant's invoices as JSON, and one invoice as CSV (finance and tenant admin keys). */
@RestController
@RequestMapping("/v1/invoices")
@ConditionalOnRole(DuplexRole.BILLING)
class InvoiceController {

	private static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv;charset=UTF-8;header=present");

	private final InvoiceService invoices;

	InvoiceController(InvoiceService invoices) {
		this.invoices = invoices;
	}

	@GetMapping
	Mono<Page<InvoiceResponse>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after,
			@RequestParam(required = false) @Nullable String tenant) {
		return this.invoices.list(caller, tenant, PageRequest.of(limit, after))
			.map((page) -> page.map(InvoiceResponse::from));
	}

	@GetMapping("/{id}")
	@ApiResponse(responseCode = "200", description = "The invoice; as CSV with format=csv", content = {
			@Content(mediaType = "application/json", schema = @Schema(implementation = InvoiceResponse.class)),
			@Content(mediaType = "text/csv", schema = @Schema(type = "string")) })
	Mono<ResponseEntity<?>> get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestParam(required = false) @Nullable String format,
			@RequestParam(required = false) @Nullable String tenant) {
		if (format != null && !format.equals("json") && !format.equals("csv")) {
			throw Problems.validation("format", "must be json or csv");
		}
		return this.invoices.require(caller, tenant, id).map((invoice) -> "csv".equals(format)
				? ResponseEntity.ok()
					.contentType(TEXT_CSV)
					.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + invoice.id() + ".csv\"")
					.body(InvoiceService.csv(invoice))
				: ResponseEntity.ok(InvoiceResponse.from(invoice)));
	}

}
