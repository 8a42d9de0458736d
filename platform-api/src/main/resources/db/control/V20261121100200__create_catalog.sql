-- The catalog is platform-wide, not tenant-scoped: every tenant sees the same regions, compute
-- pools and models. Rows are seeded from catalog.yaml and then owned by platform admins.
-- Money is numeric(12,6): USD with six decimal places, never floating point.
CREATE TABLE region (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    status     text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'unavailable')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A pool id (e.g. gpu-l4) names the same kind of pool in every region that has one.
CREATE TABLE compute_pool (
    region_id               text COLLATE "C" NOT NULL REFERENCES region (id),
    id                      text COLLATE "C" NOT NULL,
    accelerator             text NOT NULL,
    kind                    text NOT NULL CHECK (kind IN ('shared-cpu', 'gpu', 'provider-hosted')),
    max_concurrent_sessions integer NOT NULL CHECK (max_concurrent_sessions >= 0),
    price_per_minute        numeric(12,6) NOT NULL CHECK (price_per_minute >= 0),
    description             text NOT NULL DEFAULT '',
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id)
);

-- List prices are USD per one million tokens.
CREATE TABLE model (
    id                             text COLLATE "C" PRIMARY KEY,
    provider                       text NOT NULL CHECK (provider IN ('sandbox', 'openai', 'cascade')),
    kind                           text NOT NULL CHECK (kind IN ('realtime', 'cascade', 'sandbox')),
    display_name                   text NOT NULL,
    context_window                 integer NOT NULL CHECK (context_window > 0),
    max_session_seconds            integer NOT NULL CHECK (max_session_seconds > 0),
    input_audio_tokens_per_second  integer NOT NULL CHECK (input_audio_tokens_per_second > 0),
    output_audio_tokens_per_second integer NOT NULL CHECK (output_audio_tokens_per_second > 0),
    modalities                     text[] NOT NULL,
    voices                         text[] NOT NULL,
    regions                        text[] NOT NULL,
    compute                        text[] NOT NULL,
    price_text_input               numeric(12,6) NOT NULL CHECK (price_text_input >= 0),
    price_text_cached_input        numeric(12,6) NOT NULL CHECK (price_text_cached_input >= 0),
    price_text_output              numeric(12,6) NOT NULL CHECK (price_text_output >= 0),
    price_audio_input              numeric(12,6) NOT NULL CHECK (price_audio_input >= 0),
    price_audio_cached_input       numeric(12,6) NOT NULL CHECK (price_audio_cached_input >= 0),
    price_audio_output             numeric(12,6) NOT NULL CHECK (price_audio_output >= 0),
    imitates                       text COLLATE "C",
    created_at                     timestamptz NOT NULL DEFAULT now(),
    updated_at                     timestamptz NOT NULL DEFAULT now()
);

-- Which entries of catalog.yaml were ever seeded, so that an entry an admin deleted is not
-- brought back by the next start, while entries new in a release are still added.
CREATE TABLE catalog_seed (
    kind      text NOT NULL CHECK (kind IN ('region', 'compute_pool', 'model')),
    key       text COLLATE "C" NOT NULL,
    seeded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, key)
);
