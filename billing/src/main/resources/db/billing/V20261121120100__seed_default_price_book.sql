-- The default platform price book, in force from 2000-01-01. The sandbox model is priced like
-- gpt-realtime so the whole money path can be tried without a provider. Operators change prices
-- by creating a new version through POST /v1/admin/price-books; this one is never edited.
INSERT INTO price_book (id, name, currency, effective_from, tenant_id, discount_percent)
VALUES ('pb_00000000000000000000000000', 'Default list prices', 'USD', '2000-01-01T00:00:00Z', NULL, 0);

INSERT INTO price (book_id, model, metric, unit, unit_price)
SELECT 'pb_00000000000000000000000000', m.model, p.metric, 'per_million_tokens', p.unit_price
FROM (VALUES ('gpt-realtime'), ('sandbox')) AS m (model)
CROSS JOIN (VALUES ('input_text_tokens', 4.00), ('cached_input_text_tokens', 0.40), ('output_text_tokens', 16.00),
                   ('input_audio_tokens', 32.00), ('cached_input_audio_tokens', 0.40), ('output_audio_tokens', 64.00))
    AS p (metric, unit_price)
UNION ALL
SELECT 'pb_00000000000000000000000000', 'gpt-4o-mini-realtime-preview', p.metric, 'per_million_tokens', p.unit_price
FROM (VALUES ('input_text_tokens', 0.60), ('cached_input_text_tokens', 0.30), ('output_text_tokens', 2.40),
             ('input_audio_tokens', 10.00), ('cached_input_audio_tokens', 0.30), ('output_audio_tokens', 20.00))
    AS p (metric, unit_price);
