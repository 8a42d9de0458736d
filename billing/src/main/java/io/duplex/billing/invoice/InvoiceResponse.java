package io.duplex.billing.invoice;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.billing.pricing.Money;
import io.swagger.v3.oas.annotations.media.Schema;

/** An invoice on the wire; amounts and quantities are strings, never floats. */
record InvoiceResponse(String id, String object, String tenantId, Instant periodStart, Instant periodEnd,
		@Schema(allowableValues = { Invoice.DRAFT, Invoice.FINALIZED }) String status, String currency, String total, List<LineResponse> lines, @Nullable Instant finalizedAt) {

	record LineResponse(String model, String metric, String quantity, String cost) {
	}

	static InvoiceResponse from(Invoice invoice) {
		return new InvoiceResponse(invoice.id(), "invoice", invoice.tenantId(), invoice.periodStart(),
				invoice.periodEnd(), invoice.status(), invoice.currency(),
				Money.round(invoice.total(), invoice.currency()).toPlainString(),
				invoice.lines()
					.stream()
					.map((line) -> new LineResponse(line.model(), line.metric(),
							Money.scaledQuantity(line.quantity()).toPlainString(),
							Money.round(line.cost(), invoice.currency()).toPlainString()))
					.toList(),
				invoice.finalizedAt());
	}

}
