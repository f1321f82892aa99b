-- stock-anomalies.kinesis.sql (a Kinesis Data Analytics for SQL application) in Runnel's Flink SQL: each
-- ticker's minutes whose average price or number of trades a random cut forest finds unusual.
--
--   input   stream stock-trades, JSON:
--           {"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.09,"PRICE":83.91,"EVENT_TIME":"2026-11-02 09:00:00"}
--   output  stream stock_anomalies (created by the application)
--   run     ./runnel app deploy sql/examples/stock-anomalies.sql
--
-- What changed, statement by statement:
--   SOURCE_SQL_STREAM_001          the stream itself, as a table; its columns are declared here, not in a mapping.
--   ROWTIME                        the trades' own EVENT_TIME with a WATERMARK, so that every run gives the same
--                                  minutes. ROWTIME was the arrival time; to keep that, declare
--                                  ROWTIME TIMESTAMP_LTZ(3) METADATA FROM 'arrival_time' and a watermark on it.
--   CREATE OR REPLACE STREAM       CREATE TEMPORARY VIEW for PRICE_PER_MINUTE, which only this application reads;
--                                  CREATE TABLE for DESTINATION_SQL_STREAM, which is a stream others read.
--   CREATE OR REPLACE PUMP         INSERT INTO ... SELECT, without STREAM: every query here is continuous.
--   STEP(ROWTIME BY INTERVAL ...)  a TUMBLE window, grouped by window_start and window_end.
--   RANDOM_CUT_FOREST(CURSOR(...), 100, 64, 100000, 1)
--                                  RANDOM_CUT_FOREST(input => TABLE ..., columns => DESCRIPTOR(...), ...): the
--                                  DESCRIPTOR names the columns to score, where Kinesis SQL scored every numeric
--                                  column, and PARTITION BY gives each ticker a forest of its own. Without
--                                  PARTITION BY there is one forest for all rows, as in Kinesis SQL.

CREATE TEMPORARY TABLE `stock-trades` (
  TICKER_SYMBOL STRING,
  SECTOR STRING,
  CHANGE DOUBLE,
  PRICE DOUBLE,
  EVENT_TIME TIMESTAMP(3),
  WATERMARK FOR EVENT_TIME AS EVENT_TIME - INTERVAL '5' SECOND
) WITH ('connector' = 'runnel', 'stream' = 'stock-trades', 'format' = 'json');

CREATE TEMPORARY VIEW PRICE_PER_MINUTE AS
  SELECT TICKER_SYMBOL,
         window_start AS `MINUTE`,
         ROUND(AVG(PRICE), 2) AS AVG_PRICE,
         CAST(COUNT(*) AS INT) AS TRADES
  FROM TABLE(TUMBLE(TABLE `stock-trades`, DESCRIPTOR(EVENT_TIME), INTERVAL '1' MINUTE))
  GROUP BY TICKER_SYMBOL, window_start, window_end;

CREATE TABLE stock_anomalies (
  TICKER_SYMBOL STRING,
  `MINUTE` TIMESTAMP(3),
  AVG_PRICE DOUBLE,
  TRADES INT,
  ANOMALY_SCORE DOUBLE
) WITH ('format' = 'json');

INSERT INTO stock_anomalies
  SELECT TICKER_SYMBOL, `MINUTE`, AVG_PRICE, TRADES, ROUND(anomaly_score, 2)
  FROM RANDOM_CUT_FOREST(
    input => TABLE PRICE_PER_MINUTE PARTITION BY TICKER_SYMBOL,
    columns => DESCRIPTOR(AVG_PRICE, TRADES),
    number_of_trees => 100, sub_sample_size => 64, time_decay => 100000, shingle_size => 1)
  WHERE anomaly_score > 2.5;
