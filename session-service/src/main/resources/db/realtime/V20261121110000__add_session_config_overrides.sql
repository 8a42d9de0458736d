-- The agent configuration fields a client set when it created the session with
-- POST /v1/realtime/client_secrets (instructions, tools, tool_choice, voice; only those the
-- agent's session_overrides free), in the agent's own shape. The session starts from its agent
-- version with these applied, so what the secret's answer showed is what the socket runs.
ALTER TABLE session ADD COLUMN config_overrides jsonb NOT NULL DEFAULT '{}';
