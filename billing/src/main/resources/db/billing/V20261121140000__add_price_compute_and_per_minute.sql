-- Prices per compute pool (compute minutes of a pool) and per minute (the platform fee per session
-- minute). compute '' means every pool: it is part of the key, and a NULL could not be. model '*'
-- means every model.
ALTER TABLE price ADD COLUMN compute text NOT NULL DEFAULT '';
ALTER TABLE price DROP CONSTRAINT price_pkey;
ALTER TABLE price ADD PRIMARY KEY (book_id, model, metric, compute);
ALTER TABLE price DROP CONSTRAINT price_unit_check;
ALTER TABLE price ADD CONSTRAINT price_unit_check
    CHECK (unit IN ('per_million_tokens', 'per_second', 'per_minute', 'per_character'));
-- a session's usage, for its cost so far
CREATE INDEX usage_event_tenant_session ON usage_event (tenant_id, session_id) WHERE session_id IS NOT NULL;
