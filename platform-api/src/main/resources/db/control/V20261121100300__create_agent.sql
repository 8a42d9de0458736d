-- An agent is a tenant's named, versioned configuration. The row holds what changes (current
-- version, timestamps, soft deletion); each configuration lives in an immutable agent_version.
-- model, region and compute repeat the current version's placement so that the catalog can find
-- the live agents that use an entry without reading every configuration.
CREATE TABLE agent (
    id         text COLLATE "C" PRIMARY KEY,
    tenant_id  text COLLATE "C" NOT NULL REFERENCES tenant (id),
    name       text NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    model      text COLLATE "C" NOT NULL,
    region     text COLLATE "C" NOT NULL,
    compute    text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE INDEX agent_tenant_live ON agent (tenant_id, id) WHERE deleted_at IS NULL;
CREATE INDEX agent_model_live ON agent (model) WHERE deleted_at IS NULL;
CREATE INDEX agent_placement_live ON agent (region, compute) WHERE deleted_at IS NULL;

CREATE TABLE agent_version (
    agent_id   text COLLATE "C" NOT NULL REFERENCES agent (id),
    tenant_id  text COLLATE "C" NOT NULL REFERENCES tenant (id),
    version    integer NOT NULL CHECK (version >= 1),
    config     jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (agent_id, version)
);
CREATE INDEX agent_version_tenant ON agent_version (tenant_id, agent_id, version);

-- A version, once written, is what sessions ran with and what the audit log points at: never
-- rewritten. (Deleting rows stays possible for a future tenant purge.)
CREATE FUNCTION agent_version_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'agent_version rows are immutable';
END
$$;
CREATE TRIGGER agent_version_no_update BEFORE UPDATE ON agent_version
    FOR EACH ROW EXECUTE FUNCTION agent_version_is_immutable();
