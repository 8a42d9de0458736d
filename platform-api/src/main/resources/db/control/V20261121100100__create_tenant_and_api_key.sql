-- Ids are prefixed ULIDs; the "C" collation makes them sort by creation time for cursor pagination.
CREATE TABLE tenant (
    id                      text COLLATE "C" PRIMARY KEY,
    name                    text NOT NULL,
    status                  text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    max_concurrent_sessions integer NOT NULL DEFAULT 100 CHECK (max_concurrent_sessions >= 0),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Platform admin keys have no tenant; every other key belongs to exactly one.
CREATE TABLE api_key (
    id          text COLLATE "C" PRIMARY KEY,
    tenant_id   text COLLATE "C" REFERENCES tenant (id),
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('platform_admin', 'tenant_admin', 'developer', 'finance', 'viewer')),
    prefix      text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK ((role = 'platform_admin') = (tenant_id IS NULL))
);
CREATE INDEX api_key_tenant ON api_key (tenant_id, id);

CREATE TABLE audit_event (
    id                  text COLLATE "C" PRIMARY KEY,
    tenant_id           text COLLATE "C",
    actor_credential_id text NOT NULL,
    actor_role          text NOT NULL,
    action              text NOT NULL,
    resource_type       text NOT NULL,
    resource_id         text NOT NULL,
    details             jsonb NOT NULL DEFAULT '{}',
    request_id          text,
    occurred_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_event_tenant ON audit_event (tenant_id, id);
CREATE INDEX audit_event_resource ON audit_event (resource_id);
