-- Top pages per minute: the three most viewed pages of every minute, in event time.
--
--   input   stream pageviews, JSON: {"user_id":"u07","url":"/cart","ts":"2026-11-02 09:00:25"}
--   output  stream top_pages (created by the application), a row per page among each minute's top three
--   run     ./runnel app deploy sql/examples/top-pages.sql
--
-- A TUMBLE window counts each page's views per minute; a window Top-N (ROW_NUMBER over the window) keeps three.
-- A minute's rows come out once the watermark (the newest view, less 5 seconds) has passed its end.

CREATE TEMPORARY TABLE pageviews (
  user_id STRING,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'runnel', 'stream' = 'pageviews', 'format' = 'json');

CREATE TABLE top_pages (
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  url STRING,
  page_views BIGINT,
  ranking BIGINT
) WITH ('format' = 'json');

INSERT INTO top_pages
SELECT window_start, window_end, url, page_views, ranking
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY page_views DESC, url) AS ranking
  FROM (
    SELECT window_start, window_end, url, COUNT(*) AS page_views
    FROM TABLE(TUMBLE(TABLE pageviews, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
    GROUP BY window_start, window_end, url
  )
)
WHERE ranking <= 3;
