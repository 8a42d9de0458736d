-- A conversation lists the sessions that carried it; without this index that reads every
-- session of the tenant.
CREATE INDEX session_tenant_conversation ON session (tenant_id, conversation_id, id);
