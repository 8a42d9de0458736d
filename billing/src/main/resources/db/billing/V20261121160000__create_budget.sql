-- Monthly budgets of a tenant (agent_id NULL) or of one of its agents, with alert thresholds in
-- percent and an optional hard cap. capped_month is the month (first day, UTC) in which a
-- hard-capped budget was found used up: sessions are refused and ended while it is the current one.
CREATE TABLE budget (
    id           text COLLATE "C" PRIMARY KEY,
    tenant_id    text COLLATE "C" NOT NULL,
    agent_id     text COLLATE "C",
    amount       numeric(20,4) NOT NULL CHECK (amount > 0),
    currency     char(3) NOT NULL,
    thresholds   integer[] NOT NULL,
    hard_cap     boolean NOT NULL,
    capped_month date,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- one budget per tenant and per agent
CREATE UNIQUE INDEX budget_scope ON budget (tenant_id, coalesce(agent_id, ''));

-- A threshold crossed in a month: recorded once (the unique key), however often budgets are
-- evaluated; a later webhooks feature delivers them. Alerts are history: they outlive their budget.
CREATE TABLE budget_alert (
    id         text COLLATE "C" PRIMARY KEY,
    tenant_id  text COLLATE "C" NOT NULL,
    budget_id  text COLLATE "C" NOT NULL,
    agent_id   text COLLATE "C",
    month      date NOT NULL,
    threshold  integer NOT NULL,
    amount     numeric(20,4) NOT NULL,
    spent      numeric(20,4) NOT NULL,
    currency   char(3) NOT NULL,
    hard_cap   boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (budget_id, month, threshold)
);
CREATE INDEX budget_alert_tenant ON budget_alert (tenant_id, id);
