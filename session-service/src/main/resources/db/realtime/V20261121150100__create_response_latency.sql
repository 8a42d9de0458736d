-- How long each response of a session took to start, as the gateway measured it (milliseconds;
-- NULL where the response never got that far). Written once, when the response ends.
CREATE TABLE response_latency (
    response_id            text COLLATE "C" NOT NULL,
    session_id             text COLLATE "C" NOT NULL REFERENCES session (id),
    tenant_id              text COLLATE "C" NOT NULL,
    segment                integer NOT NULL,
    user_item_id           text COLLATE "C",
    status                 text NOT NULL,
    voice_to_voice_ms      integer,
    provider_first_byte_ms integer,
    first_audio_ms         integer,
    stt_ms                 integer,
    llm_first_token_ms     integer,
    tts_first_byte_ms      integer,
    created_at             timestamptz NOT NULL,
    PRIMARY KEY (session_id, response_id)
);
CREATE INDEX response_latency_tenant ON response_latency (tenant_id, session_id, created_at);
