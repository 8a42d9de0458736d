-- Sessions follow their tenant: suspending it, revoking the API key a session was started with,
-- deleting its agent or a used-up hard-capped budget ends it, on whichever node runs it.

-- The API key that created the session (or started it on its socket); null for rows made before.
ALTER TABLE session ADD COLUMN credential_id text COLLATE "C";
-- The API key that minted the secret, and the one that used it up to open the session's socket
-- (server-side connect with ?session=); the secret itself is no key, so redeemed_by stays null then.
ALTER TABLE client_secret ADD COLUMN credential_id text COLLATE "C";
ALTER TABLE client_secret ADD COLUMN redeemed_by text COLLATE "C";

-- A stop asked for from outside (tenant_suspended, credential_revoked, agent_deleted,
-- budget_exhausted) and what its client is told. A created session is ended at once; an active
-- one by the node that runs it, which polls for these; a detached one by any session node.
ALTER TABLE session ADD COLUMN stop_reason text;
ALTER TABLE session ADD COLUMN stop_message text;

-- the sessions a revoked key reaches, among a tenant's live ones
CREATE INDEX session_live_credential ON session (tenant_id, credential_id) WHERE status <> 'ended';
CREATE INDEX client_secret_credential ON client_secret (tenant_id, credential_id);
CREATE INDEX client_secret_redeemed_by ON client_secret (tenant_id, redeemed_by) WHERE redeemed_by IS NOT NULL;
-- each node's poll: tiny, as a stopped session leaves it when it ends
CREATE INDEX session_stop_requested ON session (node_id) WHERE stop_reason IS NOT NULL AND status <> 'ended';
