#!/usr/bin/env python3
"""Writes clicks.jsonl (a day's first ten minutes of clicks by five users) and clicks-per-minute.csv,
the answer to: clicks per user per one-minute tumbling window. Deterministic: the same files every run."""
import json, random, collections
random.seed(20261126)
users = ["ada", "bo", "cyd", "dee", "eli"]
clicks = []
for i in range(600):
    second = random.randrange(0, 600)
    ms = random.randrange(0, 1000)
    user = random.choice(users)
    clicks.append({"user_id": user, "url": "/page/%d" % random.randrange(1, 20),
                   "ts": "2026-11-26 00:%02d:%02d.%03d" % (second // 60, second % 60, ms)})
clicks.sort(key=lambda c: c["ts"])
with open("clicks.jsonl", "w") as f:
    for c in clicks:
        f.write(json.dumps(c, separators=(",", ":")) + "\n")
counts = collections.Counter((c["ts"][:16] + ":00", c["user_id"]) for c in clicks)
with open("clicks-per-minute.csv", "w") as f:
    f.write("window_start,user_id,clicks\n")
    for (window, user), n in sorted(counts.items()):
        f.write("%s,%s,%d\n" % (window, user, n))
