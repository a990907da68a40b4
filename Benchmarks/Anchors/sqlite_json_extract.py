"""RuleSQL's anchor: SQLite's json_extract over the same million payloads (the 1,000 distinct
payloads of the file, cycled into an in-memory table), filtered in SQL as the rule filters
`temp > 30`. Prints `ns=<median CPU time per row> matches=<rows>`.

    python sqlite_json_extract.py PAYLOADS.jsonl ROWS
"""
import sqlite3
import statistics
import sys
import time

path, rows = sys.argv[1], int(sys.argv[2])
with open(path, encoding="utf-8") as f:
    payloads = f.read().split("\n")

db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE message (payload TEXT NOT NULL)")
db.executemany("INSERT INTO message VALUES (?)", ((payloads[k % len(payloads)],) for k in range(rows)))
db.commit()
query = "SELECT count(*) FROM message WHERE json_extract(payload, '$.temp') > 30"


def round_ns():
    start = time.process_time_ns()
    (count,) = db.execute(query).fetchone()
    return (time.process_time_ns() - start) / rows, count


matches = round_ns()[1]  # warm-up
print(f"ns={statistics.median(round_ns()[0] for _ in range(3)):.1f} matches={matches}")
