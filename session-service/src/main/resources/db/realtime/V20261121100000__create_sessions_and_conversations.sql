-- Realtime sessions and the conversations they carry. Ids are prefixed ULIDs in the "C"
-- collation (creation order); every table has tenant_id and every query filters by it.

-- A conversation outlives its sessions: a later session can continue it.
CREATE TABLE conversation (
    id          text COLLATE "C" PRIMARY KEY,
    tenant_id   text COLLATE "C" NOT NULL,
    agent_id    text COLLATE "C" NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_tenant ON conversation (tenant_id, id);

CREATE TABLE session (
    id                 text COLLATE "C" PRIMARY KEY,
    tenant_id          text COLLATE "C" NOT NULL,
    agent_id           text COLLATE "C" NOT NULL,
    agent_version      integer NOT NULL,
    conversation_id    text COLLATE "C" NOT NULL REFERENCES conversation (id),
    model              text NOT NULL,
    region             text NOT NULL,
    compute            text NOT NULL,
    status             text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'active', 'ended')),
    end_reason         text,
    metadata           jsonb NOT NULL DEFAULT '{}',
    node_id            text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    ended_at           timestamptz,
    -- usage totals of the session, added to as each response completes
    responses          integer NOT NULL DEFAULT 0,
    input_text_tokens  bigint NOT NULL DEFAULT 0,
    input_audio_tokens bigint NOT NULL DEFAULT 0,
    cached_text_tokens bigint NOT NULL DEFAULT 0,
    cached_audio_tokens bigint NOT NULL DEFAULT 0,
    output_text_tokens bigint NOT NULL DEFAULT 0,
    output_audio_tokens bigint NOT NULL DEFAULT 0
);
CREATE INDEX session_tenant ON session (tenant_id, id);
CREATE INDEX session_tenant_agent ON session (tenant_id, agent_id, id);
-- admission control counts live sessions per tenant and per compute pool
CREATE INDEX session_live_tenant ON session (tenant_id) WHERE status <> 'ended';
CREATE INDEX session_live_pool ON session (region, compute) WHERE status <> 'ended';

-- Each upstream model session of a Duplex session (more than one after a rollover).
CREATE TABLE session_segment (
    session_id  text COLLATE "C" NOT NULL REFERENCES session (id),
    tenant_id   text COLLATE "C" NOT NULL,
    sequence    integer NOT NULL,
    provider    text NOT NULL,
    upstream_id text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    reason      text NOT NULL,
    PRIMARY KEY (session_id, sequence)
);

-- Short-lived secrets that let a browser open exactly one socket for one session.
CREATE TABLE client_secret (
    prefix      text COLLATE "C" PRIMARY KEY,
    secret_hash bytea NOT NULL,
    tenant_id   text COLLATE "C" NOT NULL,
    session_id  text COLLATE "C" NOT NULL REFERENCES session (id),
    expires_at  timestamptz NOT NULL,
    redeemed_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_secret_session ON client_secret (session_id);

-- Conversation items, committed as each completes. position orders them within the
-- conversation; *_ms are on the clock of the session that produced the item.
CREATE TABLE conversation_item (
    id              text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL REFERENCES conversation (id),
    tenant_id       text COLLATE "C" NOT NULL,
    session_id      text COLLATE "C" NOT NULL,
    position        bigint NOT NULL,
    type            text NOT NULL CHECK (type IN ('message', 'function_call', 'function_call_output')),
    role            text CHECK (role IN ('user', 'assistant', 'system')),
    status          text NOT NULL,
    item            jsonb NOT NULL,
    text            text,
    started_ms      bigint,
    ended_ms        bigint,
    truncated_at_ms bigint,
    deleted_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, id),
    UNIQUE (conversation_id, position)
);
CREATE INDEX conversation_item_session ON conversation_item (tenant_id, session_id, position);
