"""ThingMessages' anchor: json.loads plus a fastjsonschema validator generated from the JSON
Schema of the same 20-property report. Prints `ns=<median CPU time per report> valid=true|false`.

    python thing_report.py SCHEMA.json REPORT.json ITERATIONS
"""
import json
import statistics
import sys
import time

import fastjsonschema

schema_path, report_path, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(schema_path, "rb") as f:
    validate = fastjsonschema.compile(json.load(f))
with open(report_path, "rb") as f:
    payload = f.read()

try:
    validate(json.loads(payload))
    valid = True
except fastjsonschema.JsonSchemaException:
    valid = False


def round_ns():
    loads = json.loads
    start = time.process_time_ns()
    for _ in range(iterations):
        validate(loads(payload))
    return (time.process_time_ns() - start) / iterations


round_ns()  # warm-up
print(f"ns={statistics.median(round_ns() for _ in range(5)):.1f} valid={'true' if valid else 'false'}")
