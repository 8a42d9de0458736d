package io.duplex.billing.pricing;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/admin/price-books}: platform admins create immutable price book versions and read
 * them; every other key gets 403.
 */
@RestController
@RequestMapping("/v1/admin/price-books")
@ConditionalOnRole(DuplexRole.BILLING)
class PriceBookController {

	private final PriceBookService books;

	PriceBookController(PriceBookService books) {
		this.books = books;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED) // documents the 201 that ResponseEntity.created answers
	Mono<ResponseEntity<PriceBookResponse>> create(@AuthenticationPrincipal Caller caller,
			@RequestBody CreatePriceBookRequest body, UriComponentsBuilder uri) {
		return this.books.create(caller, body)
			.map((book) -> ResponseEntity.created(uri.path("/v1/admin/price-books/{id}").build(book.id()))
				.body(PriceBookResponse.from(book)));
	}

	@GetMapping
	Mono<Page<PriceBookResponse>> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String after,
			@RequestParam(name = "tenant", required = false) @Nullable String tenant) {
		PageRequest page = PageRequest.of(limit, after);
		return this.books.list(caller, page, tenant).map((books) -> books.map(PriceBookResponse::from));
	}

	@GetMapping("/{id}")
	Mono<PriceBookResponse> get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.books.require(caller, id).map(PriceBookResponse::from);
	}

}
