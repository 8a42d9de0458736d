-- The last position handed out in each conversation. An append takes the next one by updating
-- this row, in the same statement as its insert: the row lock makes appends to one conversation
-- take turns, and no append reads MAX(position) or needs a transaction of its own.
ALTER TABLE conversation ADD COLUMN last_position bigint NOT NULL DEFAULT 0;

UPDATE conversation c SET last_position = items.last
FROM (SELECT conversation_id, MAX(position) AS last FROM conversation_item GROUP BY conversation_id) items
WHERE items.conversation_id = c.id;
