-- Where a catalog model's inference runs: the realtime endpoint of an openai model, or the
-- transcription, chat and speech endpoints of a cascade model. Scope '' is the model's own;
-- a compute pool id ('gpu-l4') or region/pool ('us-east/gpu-l4') overrides it there, stage by stage.
-- API keys are sealed with AES-256-GCM (the application's secrets key ring): the key id names the
-- ring key, the ciphertext is base64 of nonce, ciphertext and tag. Never stored in clear.
CREATE TABLE model_endpoint (
    model_id          text COLLATE "C" NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    scope             text COLLATE "C" NOT NULL,
    stage             text NOT NULL CHECK (stage IN ('realtime', 'transcription', 'chat', 'speech')),
    base_url          text NOT NULL,
    model             text,
    api_key_key_id    text,
    api_key_sealed    text,
    azure_api_version text,
    PRIMARY KEY (model_id, scope, stage),
    CHECK ((api_key_key_id IS NULL) = (api_key_sealed IS NULL))
);

CREATE INDEX model_endpoint_key_id ON model_endpoint (api_key_key_id) WHERE api_key_key_id IS NOT NULL;
