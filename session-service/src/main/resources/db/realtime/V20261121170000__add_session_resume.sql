-- Resume: a session whose client socket dropped (or whose server stopped) is 'detached' until
-- resumable_until; a client holding its resume token may reconnect, on any node, and continue.
-- Everything a node needs to continue it is here and in its conversation, not in a node's memory.
ALTER TABLE session DROP CONSTRAINT session_status_check;
ALTER TABLE session ADD CONSTRAINT session_status_check
    CHECK (status IN ('created', 'active', 'detached', 'ended'));

-- SHA-256 of the current resume token; replaced by each socket that runs the session
ALTER TABLE session ADD COLUMN resume_token_hash bytea;
ALTER TABLE session ADD COLUMN detached_at timestamptz;
ALTER TABLE session ADD COLUMN resumable_until timestamptz;
-- time spent detached, in total: not connected, so not part of the session's metered duration
ALTER TABLE session ADD COLUMN detached_ms bigint NOT NULL DEFAULT 0;
-- the session object as the client last configured it (session.update), restored on resume
ALTER TABLE session ADD COLUMN session_config jsonb;

-- the sweep that ends sessions whose grace ran out looks only at detached ones
CREATE INDEX session_detached ON session (resumable_until) WHERE status = 'detached';
