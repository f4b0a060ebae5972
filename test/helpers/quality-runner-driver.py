"""Runs templates/spark/static/quality_runner.py's main() once per job, in one CPython process, against the
pyspark stub (test/helpers/pyspark-stub): jobs come from the test process as JSON lines on stdin, between the
stub's answers. Each job's printed lines and exit code (SystemExit; 1 and the exception for one raised) go back on
file descriptor 3. Loads the runner file itself, as spark-submit would run it.
"""

import contextlib
import importlib.util
import io
import json
import sys
import traceback

runner_path = sys.argv[1]
spec = importlib.util.spec_from_file_location("quality_runner", runner_path)
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)

import pyspark.sql as stub  # noqa: E402  (the stub, on PYTHONPATH)

while True:
    line = sys.stdin.readline()
    if not line:
        break
    job = json.loads(line)
    printed = io.StringIO()
    code, error = 0, None
    with contextlib.redirect_stdout(printed):
        try:
            runner.main(job["argv"])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except Exception as e:  # as CPython: a traceback and exit status 1
            code, error = 1, "".join(traceback.format_exception_only(type(e), e)).strip()
    stub._requests.write(json.dumps({"op": "done", "stdout": printed.getvalue(), "exit": code, "error": error}) + "\n")
    stub._requests.flush()
