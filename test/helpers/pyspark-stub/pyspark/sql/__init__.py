"""A stand-in for `pyspark.sql`, just what templates/spark/static/quality_runner.py calls, for tests.

Every call that needs data is a request to the test process (test/helpers/quality-runner.ts): one JSON line on
file descriptor 3, answered by one JSON line on stdin. The test records each SQL string, runs it on DuckDB and
answers with the rows; `spark.read.parquet(path)` answers with the table's columns and its Spark schema.
"""

import json
import os
import sys

_requests = os.fdopen(3, "w", encoding="utf-8")


class AnalysisException(Exception):
    """What Spark raises for SQL it cannot analyze (a column that does not resolve …)."""


def _ask(message):
    _requests.write(json.dumps(message) + "\n")
    _requests.flush()
    answer = json.loads(sys.stdin.readline())
    if "error" in answer:
        raise AnalysisException(answer["error"])
    return answer


class _Type:
    """A Spark data type: its class name is what `type(field.dataType).__name__` gives, as in pyspark.sql.types."""


_TYPES = {}


def _data_type(spec):
    name = spec["type"]
    cls = _TYPES.setdefault(name, type(name, (_Type,), {}))
    value = cls()
    if "fields" in spec:
        value.fields = [StructField(f) for f in spec["fields"]]
        value.names = [f.name for f in value.fields]
    return value


class StructField:
    def __init__(self, spec):
        self.name = spec["name"]
        self.dataType = _data_type(spec)


class StructType:
    """Top-level schema: `schema[name]` gives the field (KeyError for a name that is not a top-level field)."""

    def __init__(self, fields):
        self.fields = [StructField(f) for f in fields]
        self.names = [f.name for f in self.fields]

    def __getitem__(self, key):
        for f in self.fields:
            if f.name == key:
                return f
        raise KeyError(f"No StructField named {key}")


class DataFrame:
    def __init__(self, sql=None, columns=None, schema=None, path=None):
        self._sql = sql
        self._path = path
        self.columns = columns
        self.schema = schema

    def first(self):
        return _ask({"op": "first", "sql": self._sql})["row"]

    def count(self):
        return _ask({"op": "count", "sql": self._sql})["n"]

    def collect(self):
        return _ask({"op": "collect", "sql": self._sql})["rows"]

    def createOrReplaceTempView(self, name):
        _ask({"op": "view", "path": self._path, "name": name})


class _Reader:
    def parquet(self, path):
        answer = _ask({"op": "read", "path": path})
        return DataFrame(columns=answer["columns"], schema=StructType(answer["schema"]), path=path)


class SparkSession:
    def __init__(self, app_name):
        self.app_name = app_name
        self.read = _Reader()

    def table(self, name):
        """A catalog table (an Iceberg table by name): the test answers for it as for a location."""
        return self.read.parquet(name)

    def sql(self, query):
        _ask({"op": "sql", "sql": query})
        return DataFrame(sql=query)

    def stop(self):
        _ask({"op": "stop"})

    class _Builder:
        def __init__(self):
            self._name = None

        def appName(self, name):
            self._name = name
            return self

        def config(self, *args, **kwargs):
            return self

        def getOrCreate(self):
            _ask({"op": "session", "app": self._name})
            return SparkSession(self._name)

    builder = _Builder()
