-- Tenants' own provider keys ("bring your own key"), one per tenant and provider, sealed with
-- AES-256-GCM like the catalog's (see model_endpoint). Tenant-scoped: every query names tenant_id.
CREATE TABLE tenant_provider_key (
    tenant_id  text COLLATE "C" NOT NULL REFERENCES tenant (id),
    provider   text NOT NULL CHECK (provider IN ('openai', 'cascade')),
    key_id     text NOT NULL,
    sealed     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, provider)
);

CREATE INDEX tenant_provider_key_key_id ON tenant_provider_key (key_id);
