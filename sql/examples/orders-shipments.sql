-- Orders joined with their shipments: every order shipped within two hours, with the time it took.
--
--   input   stream orders, JSON:    {"order_id":"o-001","customer":"c10","amount":111.12,"order_time":"2026-11-02 09:01:15"}
--           stream shipments, JSON: {"order_id":"o-005","warehouse":"berlin","ship_time":"2026-11-02 09:18:33"}
--   output  stream shipped_orders (created by the application), a row per order shipped in time
--   run     ./runnel app deploy sql/examples/orders-shipments.sql
--
-- An interval join keeps each side's rows only as long as the other side can still match them: an order until
-- the shipments' watermark is two hours past it, a shipment until the orders' watermark has passed it.

CREATE TEMPORARY TABLE orders (
  order_id STRING,
  customer STRING,
  amount DECIMAL(10, 2),
  order_time TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '1' MINUTE
) WITH ('connector' = 'runnel', 'stream' = 'orders', 'format' = 'json');

CREATE TEMPORARY TABLE shipments (
  order_id STRING,
  warehouse STRING,
  ship_time TIMESTAMP(3),
  WATERMARK FOR ship_time AS ship_time - INTERVAL '1' MINUTE
) WITH ('connector' = 'runnel', 'stream' = 'shipments', 'format' = 'json');

CREATE TABLE shipped_orders (
  order_id STRING,
  customer STRING,
  amount DECIMAL(10, 2),
  warehouse STRING,
  order_time TIMESTAMP(3),
  ship_time TIMESTAMP(3),
  minutes_to_ship INT
) WITH ('format' = 'json');

INSERT INTO shipped_orders
SELECT o.order_id, o.customer, o.amount, s.warehouse,
       -- Both are event times (rowtime attributes) in the join; a stream row carries them as plain timestamps.
       CAST(o.order_time AS TIMESTAMP(3)), CAST(s.ship_time AS TIMESTAMP(3)),
       TIMESTAMPDIFF(MINUTE, o.order_time, s.ship_time)
FROM orders o JOIN shipments s
  ON o.order_id = s.order_id
 AND s.ship_time BETWEEN o.order_time AND o.order_time + INTERVAL '2' HOUR;
