-- the connect-timeout sweep of every session node looks at the sessions still waiting for a socket
CREATE INDEX session_created ON session (created_at) WHERE status = 'created';
