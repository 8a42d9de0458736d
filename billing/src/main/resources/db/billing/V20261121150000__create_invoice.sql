-- The months in which a tenant has usage: written with the usage (same transaction), so invoices
-- are found without scanning the ledger. finalized_at is set when the month's invoices are.
CREATE TABLE usage_month (
    tenant_id    text COLLATE "C" NOT NULL,
    month        date NOT NULL,
    finalized_at timestamptz,
    PRIMARY KEY (tenant_id, month)
);
INSERT INTO usage_month (tenant_id, month)
SELECT DISTINCT tenant_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM usage_event;

-- One invoice per tenant, calendar month (UTC) and currency. A draft's lines are computed from the
-- ledger when read; a finalized invoice's lines and total are stored here and never change.
CREATE TABLE invoice (
    id           text COLLATE "C" PRIMARY KEY,
    tenant_id    text COLLATE "C" NOT NULL,
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    currency     char(3) NOT NULL,
    status       text NOT NULL CHECK (status IN ('draft', 'finalized')),
    total        numeric(20,4),
    created_at   timestamptz NOT NULL DEFAULT now(),
    finalized_at timestamptz,
    UNIQUE (tenant_id, period_start, currency),
    CHECK ((status = 'finalized') = (total IS NOT NULL AND finalized_at IS NOT NULL))
);

CREATE TABLE invoice_line (
    invoice_id text COLLATE "C" NOT NULL REFERENCES invoice (id),
    tenant_id  text COLLATE "C" NOT NULL,
    line       integer NOT NULL,
    model      text NOT NULL,
    metric     text NOT NULL,
    quantity   numeric(26,6) NOT NULL,
    cost       numeric(20,4) NOT NULL,
    PRIMARY KEY (invoice_id, line)
);
