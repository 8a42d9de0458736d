-- The usage ledger: one row per measured quantity, immutable once written. A repeated
-- (tenant_id, idempotency_key) is a no-op, never a double charge. Ids are prefixed ULIDs in the
-- "C" collation, like every other table's.
CREATE TABLE usage_event (
    id              text COLLATE "C" PRIMARY KEY,
    tenant_id       text COLLATE "C" NOT NULL,
    idempotency_key text NOT NULL,
    agent_id        text COLLATE "C",
    agent_version   integer,
    session_id      text COLLATE "C",
    segment         integer,
    model           text NOT NULL,
    region          text,
    compute         text,
    metric          text NOT NULL,
    quantity        numeric(20,6) NOT NULL,
    occurred_at     timestamptz NOT NULL,
    tags            jsonb NOT NULL DEFAULT '{}',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, idempotency_key)
);
-- rating, rollups and exports read a tenant's usage by time
CREATE INDEX usage_event_tenant_time ON usage_event (tenant_id, occurred_at);
