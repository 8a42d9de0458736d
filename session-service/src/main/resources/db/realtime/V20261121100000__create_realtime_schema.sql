-- The realtime schema starts empty; sessions, conversations and items arrive with the sessions feature.
COMMENT ON SCHEMA realtime IS 'Duplex session-service: sessions, conversations, transcripts';
