-- Responses to POST requests that carried an Idempotency-Key, kept 24 hours for replay.
-- scope is the caller's tenant id, or 'platform' for platform admins.
CREATE TABLE idempotency_record (
    scope           text COLLATE "C" NOT NULL,
    idempotency_key text NOT NULL,
    method          text NOT NULL,
    path            text NOT NULL,
    request_hash    text NOT NULL,
    status          integer,
    content_type    text,
    location        text,
    body            bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_record_created ON idempotency_record (created_at);
