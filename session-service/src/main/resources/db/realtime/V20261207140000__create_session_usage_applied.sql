-- Usage added to a session's totals that no response row records (a rollover's summary request):
-- one row per key, so a write retried or replayed after an outage adds its tokens once.
CREATE TABLE session_usage_applied (
    session_id text COLLATE "C" NOT NULL REFERENCES session (id),
    tenant_id  text COLLATE "C" NOT NULL,
    usage_key  text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, usage_key)
);
