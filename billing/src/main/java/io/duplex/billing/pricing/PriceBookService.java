package io.duplex.billing.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Price book rules: platform admins only; versions are validated and immutable; a book has at most
 * one version per instant (409 {@code price-book-version-exists}); every creation is audited.
 */
@Service
public class PriceBookService {

	private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

	private static final int MAX_PRICES = 10_000;

	private final PriceBookRepository repository;

	private final TenantDirectory tenants;

	private final AuditTrail audit;

	PriceBookService(PriceBookRepository repository, TenantDirectory tenants, AuditTrail audit) {
		this.repository = repository;
		this.tenants = tenants;
		this.audit = audit;
	}

	/** Every version of every book, for rating. */
	public Mono<PriceBooks> inForce() {
		return this.repository.findAll().map(PriceBooks::new);
	}

	Mono<PriceBook> create(Caller caller, CreatePriceBookRequest body) {
		caller.requirePlatformAdmin();
		PriceBook book = validate(body);
		Mono<Void> tenantExists = (book.tenantId() == null) ? Mono.empty()
				: this.tenants.find(book.tenantId())
					.switchIfEmpty(Mono.error(() -> Problems.validation("tenant_id", "no such tenant")))
					.then();
		return tenantExists.then(this.repository.insert(book)).flatMap((inserted) -> {
			if (!inserted) {
				return Mono.error(new ProblemException(HttpStatus.CONFLICT, "price-book-version-exists",
						"Price book version exists",
						"This book already has a version effective from " + book.effectiveFrom() + "."));
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("name", book.name());
			details.put("currency", book.currency());
			details.put("effective_from", book.effectiveFrom().toString());
			details.put("prices", book.prices().size());
			details.put("discount_percent", book.discountPercent().toPlainString());
			return this.audit
				.record(new AuditEntry(book.tenantId(), caller, "price_book.created", "price_book", book.id(), details))
				.thenReturn(book);
		});
	}

	Mono<PriceBook> require(Caller caller, String id) {
		caller.requirePlatformAdmin();
		return this.repository.find(id).switchIfEmpty(Mono.error(() -> Problems.notFound("price book " + id)));
	}

	Mono<Page<PriceBook>> list(Caller caller, PageRequest page, @Nullable String tenantId) {
		caller.requirePlatformAdmin();
		return this.repository.page(page, tenantId).map((books) -> Page.of(books, page, PriceBook::id));
	}

	/** The version the request describes; 422 naming every invalid field. */
	static PriceBook validate(CreatePriceBookRequest body) {
		List<FieldError> errors = new ArrayList<>();
		String name = body.name();
		if (name == null || name.isBlank() || name.length() > 128) {
			errors.add(new FieldError("name", "is required, at most 128 characters"));
		}
		String currency = body.currency();
		if (currency == null || !currency.matches("^[A-Z]{3}$") || !Money.isCurrency(currency)) {
			errors.add(new FieldError("currency", "must be an ISO 4217 code such as USD"));
		}
		if (body.effectiveFrom() == null) {
			errors.add(new FieldError("effective_from", "is required (an RFC 3339 date-time)"));
		}
		BigDecimal discount = (body.discountPercent() != null) ? body.discountPercent() : BigDecimal.ZERO;
		if (body.tenantId() == null && discount.signum() != 0) {
			errors.add(new FieldError("discount_percent", "only a tenant's book has a discount"));
		}
		else if (discount.signum() < 0 || discount.compareTo(BigDecimal.valueOf(100)) > 0
				|| discount.stripTrailingZeros().scale() > Money.DISCOUNT_SCALE) {
			errors.add(new FieldError("discount_percent", "must be between 0 and 100 with at most 4 decimals"));
		}
		List<CreatePriceBookRequest.PriceRequest> requested = (body.prices() != null) ? body.prices() : List.of();
		if (body.tenantId() == null && requested.isEmpty()) {
			errors.add(new FieldError("prices", "the platform book needs at least one price"));
		}
		if (requested.size() > MAX_PRICES) {
			errors.add(new FieldError("prices", "at most " + MAX_PRICES + " prices"));
		}
		List<Price> prices = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < requested.size() && i < MAX_PRICES; i++) {
			Price price = price(requested.get(i), "prices[" + i + "]", errors);
			if (price != null && !seen.add(price.model() + "\u0000" + price.metric() + "\u0000" + price.compute())) {
				errors.add(new FieldError("prices[" + i + "]", "repeats the price of " + price.model() + " "
						+ price.metric() + ((price.compute() != null) ? " on " + price.compute() : "")));
			}
			else if (price != null) {
				prices.add(price);
			}
		}
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
		// PostgreSQL keeps microseconds: store what will be read back
		Instant effectiveFrom = body.effectiveFrom().truncatedTo(ChronoUnit.MICROS);
		return new PriceBook(Ids.newId("pb"), name.strip(), currency, effectiveFrom, body.tenantId(),
				Money.bookDiscount(discount), prices,
				Instant.now().truncatedTo(ChronoUnit.MICROS));
	}

	private static @Nullable Price price(CreatePriceBookRequest.@Nullable PriceRequest request, String field,
			List<FieldError> errors) {
		if (request == null) {
			errors.add(new FieldError(field, "is required"));
			return null;
		}
		int before = errors.size();
		if (request.model() == null
				|| !(request.model().equals(Price.ANY_MODEL) || NAME.matcher(request.model()).matches())) {
			errors.add(new FieldError(field + ".model", "must be a model id, or * for every model"));
		}
		if (request.compute() != null && !NAME.matcher(request.compute()).matches()) {
			errors.add(new FieldError(field + ".compute", "must be a compute pool id"));
		}
		if (request.metric() == null || !request.metric().matches("^[a-z][a-z0-9_]{0,63}$")) {
			errors.add(new FieldError(field + ".metric", "must be a metric such as output_audio_tokens"));
		}
		PriceUnit unit = (request.unit() != null) ? PriceUnit.fromWireName(request.unit()).orElse(null) : null;
		if (unit == null) {
			errors.add(new FieldError(field + ".unit",
					"must be per_million_tokens, per_second, per_minute or per_character"));
		}
		else if (request.metric() != null && !unit.measures(request.metric())) {
			errors.add(new FieldError(field + ".unit", unit.wireName() + " does not measure " + request.metric()));
		}
		BigDecimal unitPrice = request.unitPrice();
		if (unitPrice == null || unitPrice.signum() < 0 || unitPrice.stripTrailingZeros().scale() > Money.UNIT_PRICE_SCALE
				|| unitPrice.precision() - unitPrice.scale() > 10) {
			errors.add(new FieldError(field + ".unit_price",
					"must be ≥ 0 with at most 10 digits and " + Money.UNIT_PRICE_SCALE + " decimals"));
		}
		if (errors.size() > before) {
			return null;
		}
		return new Price(request.model(), request.metric(), request.compute(), unit, unitPrice);
	}

}
