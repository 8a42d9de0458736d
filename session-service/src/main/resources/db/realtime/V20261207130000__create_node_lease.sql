-- Node leases: each session node holds one row, renewed every duplex.sessions.node-heartbeat
-- and lapsing duplex.sessions.node-lease after its last renewal. Times are the database's
-- (now()), so the nodes' own clocks never matter. A node whose lease lapsed while the database
-- was up is dead (or cut off): any node adopts its active sessions and deletes the row. Not
-- tenant data: a row names a process, never a tenant.
CREATE TABLE node_lease (
    node_id      text COLLATE "C" PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    -- since when the node has renewed without a lapse: it witnessed the database up since then,
    -- so it may take another node's lapse for death only after a whole lease of that
    up_since     timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    -- the resume grace this node promised its clients (duplex.session.resumable's grace_seconds):
    -- its sessions stay resumable that long once adopted
    resume_grace_ms bigint NOT NULL
);
-- the adoption sweep looks for lapsed leases
CREATE INDEX node_lease_expiry ON node_lease (expires_at);

-- the node whose lease lapsed while it ran the session: set on adoption, while the session waits
-- detached for its client, so a session not resumed in time ends as node_lost
ALTER TABLE session ADD COLUMN lost_node_id text;

-- adoption finds the active sessions of a dead node
CREATE INDEX session_active_node ON session (node_id) WHERE status = 'active';
