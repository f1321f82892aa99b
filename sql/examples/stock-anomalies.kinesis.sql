-- The Kinesis Data Analytics for SQL application that stock-anomalies.sql replaces, for comparison; it does not
-- run on Runnel. The source stream was mapped to the in-application stream SOURCE_SQL_STREAM_001 with columns
-- TICKER_SYMBOL, SECTOR, CHANGE and PRICE, and DESTINATION_SQL_STREAM to an output stream.

-- Each ticker's average price and number of trades per minute of arrival.
CREATE OR REPLACE STREAM "PRICE_PER_MINUTE" (
  "TICKER_SYMBOL" VARCHAR(4),
  "MINUTE"        TIMESTAMP,
  "AVG_PRICE"     DOUBLE,
  "TRADES"        INTEGER);

CREATE OR REPLACE PUMP "MINUTE_PUMP" AS
  INSERT INTO "PRICE_PER_MINUTE"
    SELECT STREAM "TICKER_SYMBOL",
                  STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE),
                  AVG("PRICE"),
                  COUNT(*)
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY "TICKER_SYMBOL", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);

-- The minutes a random cut forest finds unusual, in price or in trading.
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
  "TICKER_SYMBOL" VARCHAR(4),
  "MINUTE"        TIMESTAMP,
  "AVG_PRICE"     DOUBLE,
  "TRADES"        INTEGER,
  "ANOMALY_SCORE" DOUBLE);

CREATE OR REPLACE PUMP "ANOMALY_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM "TICKER_SYMBOL", "MINUTE", "AVG_PRICE", "TRADES", "ANOMALY_SCORE"
    FROM TABLE(RANDOM_CUT_FOREST(
      CURSOR(SELECT STREAM "TICKER_SYMBOL", "MINUTE", "AVG_PRICE", "TRADES" FROM "PRICE_PER_MINUTE"),
      100, 64, 100000, 1))
    WHERE "ANOMALY_SCORE" > 2.5;
