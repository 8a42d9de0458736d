-- Price books: immutable, versioned by effective_from. tenant_id is NULL for the platform book and
-- names the tenant for a contract book (contract prices and/or a discount on the platform prices).
-- A new version replaces the previous one of the same book from its effective_from on.
CREATE TABLE price_book (
    id               text COLLATE "C" PRIMARY KEY,
    name             text NOT NULL,
    currency         char(3) NOT NULL,
    effective_from   timestamptz NOT NULL,
    tenant_id        text COLLATE "C",
    discount_percent numeric(7,4) NOT NULL DEFAULT 0 CHECK (discount_percent >= 0 AND discount_percent <= 100),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (tenant_id IS NOT NULL OR discount_percent = 0)
);
-- one version per book and instant, so the version in force is never ambiguous
CREATE UNIQUE INDEX price_book_version ON price_book (coalesce(tenant_id, ''), effective_from);

CREATE TABLE price (
    book_id    text COLLATE "C" NOT NULL REFERENCES price_book (id),
    model      text NOT NULL,
    metric     text NOT NULL,
    unit       text NOT NULL CHECK (unit IN ('per_million_tokens', 'per_second', 'per_character')),
    unit_price numeric(20,10) NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (book_id, model, metric)
);
