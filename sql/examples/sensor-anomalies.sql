-- Anomalies in a metric stream: readings that a random cut forest per sensor scores as unusual.
--
--   input   stream metrics, JSON: {"sensor":"s1","value":22.17,"latency":11.3,"ts":"2026-11-02 09:00:00"}
--   output  stream sensor_anomalies (created by the application), the readings scoring above 3
--   run     ./runnel app deploy sql/examples/sensor-anomalies.sql
--
-- Each sensor has its own forest (PARTITION BY sensor) over two columns. A forest scores 0 until it has seen a
-- quarter of its sample size (64 readings); after that, ordinary readings score about 1 and few score above 2.

CREATE TEMPORARY TABLE metrics (
  sensor STRING,
  `value` DOUBLE,
  latency DOUBLE,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'runnel', 'stream' = 'metrics', 'format' = 'json');

CREATE TABLE sensor_anomalies (
  sensor STRING,
  ts TIMESTAMP(3),
  `value` DOUBLE,
  latency DOUBLE,
  anomaly_score DOUBLE
) WITH ('format' = 'json');

INSERT INTO sensor_anomalies
SELECT sensor, ts, `value`, latency, ROUND(anomaly_score, 2)
FROM RANDOM_CUT_FOREST(
  input => TABLE metrics PARTITION BY sensor,
  columns => DESCRIPTOR(`value`, latency),
  number_of_trees => 100, sub_sample_size => 256, time_decay => 100000, shingle_size => 1)
WHERE anomaly_score > 3;
