-- Who measured each usage event: 'platform' (Duplex's own meter: tokens of its sessions' responses,
-- session and compute seconds) or 'tenant' (reported through POST /v1/usage/events). The source is
-- part of the key: a tenant's key can never take the place of a platform key, so a report under
-- a platform-shaped key ('<session>:session_seconds') no longer suppresses what the platform meters.
-- estimated: the quantity was estimated from what was produced because the provider reported no
-- usage for it (a response cut off before its end); always false for tenant reports.
ALTER TABLE usage_event
    ADD COLUMN source text NOT NULL DEFAULT 'platform' CHECK (source IN ('platform', 'tenant')),
    ADD COLUMN estimated boolean NOT NULL DEFAULT false;

-- Rows recorded before this migration carry no source. Every platform meter (the engine's
-- per-response usage, the session meter's seconds, and the write spool that replays them) records
-- the agent version of the session it meters, while the public endpoint has no agent version field
-- and has always stored it as null. So a row without an agent version came through the API and is
-- the tenant's; every other row is the platform's. Where a tenant's row took a platform key before,
-- the platform's own event for that key was never stored: it cannot be recovered from the ledger.
UPDATE usage_event SET source = 'tenant' WHERE agent_version IS NULL;

ALTER TABLE usage_event DROP CONSTRAINT usage_event_tenant_id_idempotency_key_key;
ALTER TABLE usage_event ADD CONSTRAINT usage_event_tenant_source_key UNIQUE (tenant_id, source, idempotency_key);
