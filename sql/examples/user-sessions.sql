-- User sessions: each user's visits, a session ending after 5 minutes without a view, in event time.
--
--   input   stream pageviews, JSON: {"user_id":"u07","url":"/cart","ts":"2026-11-02 09:00:25"}
--   output  stream user_sessions (created by the application), a row per session once it has ended
--   run     ./runnel app deploy sql/examples/user-sessions.sql
--
-- A SESSION window per user (PARTITION BY user_id) closes when the watermark passes its last view plus the gap;
-- window_end is that last view plus 5 minutes.

CREATE TEMPORARY TABLE pageviews (
  user_id STRING,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'runnel', 'stream' = 'pageviews', 'format' = 'json');

CREATE TABLE user_sessions (
  user_id STRING,
  session_start TIMESTAMP(3),
  session_end TIMESTAMP(3),
  page_views BIGINT,
  pages BIGINT
) WITH ('format' = 'json');

INSERT INTO user_sessions
SELECT user_id, window_start, window_end, COUNT(*), COUNT(DISTINCT url)
FROM TABLE(SESSION(TABLE pageviews PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY user_id, window_start, window_end;
