-- Idempotency records belong to the credential that used the key (an API key id), no longer to
-- its tenant: another credential's key never replays for this one, and so never skips its role
-- check. The caller's fingerprint (credential, tenant, role) binds a record to the roles it was
-- made with; tenant_scope counts a tenant's records against duplex.idempotency.max-records-per-tenant.
-- Bodies are sealed with the secrets key ring (sealing_key_id names the key), or not kept at all.
-- Records live 24 hours and the old ones held answers in plaintext, so they are dropped, not moved.
DROP TABLE idempotency_record;
CREATE TABLE idempotency_record (
    credential_id      text COLLATE "C" NOT NULL,
    idempotency_key    text NOT NULL,
    tenant_scope       text COLLATE "C" NOT NULL,
    caller_fingerprint text NOT NULL,
    method             text NOT NULL,
    path               text NOT NULL,
    request_hash       text NOT NULL,
    status             integer,
    content_type       text,
    location           text,
    sealing_key_id     text,
    body               bytea,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (credential_id, idempotency_key),
    CHECK ((sealing_key_id IS NULL) = (body IS NULL))
);
CREATE INDEX idempotency_record_created ON idempotency_record (created_at);
CREATE INDEX idempotency_record_scope ON idempotency_record (tenant_scope, created_at);
