"""Runs a contractgen quality suite against a trusted table with Spark SQL alone.

    spark-submit quality_runner.py --suite users.json --table s3a://lake-trusted/trusted/users/
    spark-submit --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog ... \
        quality_runner.py --suite users.json --table lake.trusted.users

--table is a Parquet location, or a table name (an Iceberg table, read through its catalog: the files under an
Iceberg location include those of replaced snapshots, which only the table's metadata tells apart).

Reads either suite format contractgen writes (quality.gxVersion): GX 1.x (`name`, `type`) and GX 0.18
(`expectation_suite_name`, `expectation_type`); the kwargs are the same in both. Prints one line per expectation,
PASS, FAIL or ERROR (a type or kwarg it does not implement, or a query Spark refuses), and exits 1 when any is not
PASS. It implements the expectation types contractgen emits, so the checks run where the data is, without a GX
installation on the Spark cluster. A column may be a nested field's dotted path (`pickup.lat`) when the table has
no column of that very name.
"""

import argparse
import json
import os
import sys

from pyspark.sql import SparkSession

# kwargs that never change a verdict: how GX reports a result, or what it records about the expectation
NEUTRAL = {"result_format", "catch_exceptions", "include_config", "batch_id", "meta", "description", "notes", "severity"}
BOUNDS = {"min_value", "max_value", "strict_min", "strict_max"}

# the kwargs each implemented type understands (beyond NEUTRAL): any other one could change the verdict
KWARGS = {
    "expect_column_values_to_not_be_null": {"column", "mostly"},
    "expect_column_values_to_be_in_set": {"column", "value_set", "mostly"},
    "expect_column_values_to_not_be_in_set": {"column", "value_set", "mostly"},
    "expect_column_values_to_be_between": {"column", "mostly"} | BOUNDS,
    "expect_column_value_lengths_to_be_between": {"column", "mostly"} | BOUNDS,
    "expect_column_values_to_match_regex": {"column", "regex", "mostly"},
    "expect_column_values_to_be_unique": {"column"},
    "expect_compound_columns_to_be_unique": {"column_list"},
    "expect_table_row_count_to_be_between": BOUNDS,
    "expect_table_columns_to_match_set": {"column_set", "exact_match"},
    "expect_column_values_to_be_of_type": {"column", "type_"},
    "unexpected_rows_expectation": {"unexpected_rows_query"},
}


class Unsupported(Exception):
    pass


def quote(name):
    return "`" + name.replace("`", "``") + "`"


def column(name, table):
    """A column, or a nested field's path: `a.b` is field b of struct column a unless the table has a column `a.b`."""
    if name in table.columns or "." not in name:
        return quote(name)
    return ".".join(quote(part) for part in name.split("."))


def field_type(name, table):
    """The Spark type class name of a column or of a nested field's dotted path."""
    if name in table.columns or "." not in name:
        return type(table.schema[name].dataType).__name__
    data_type = table.schema[name.split(".")[0]].dataType
    for part in name.split(".")[1:]:
        data_type = next(f.dataType for f in data_type.fields if f.name == part)
    return type(data_type).__name__


def literal(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def bounds(col, kw):
    parts = []
    if kw.get("min_value") is not None:
        parts.append(f"{col} {'<=' if kw.get('strict_min') else '<'} {literal(kw['min_value'])}")
    if kw.get("max_value") is not None:
        parts.append(f"{col} {'>=' if kw.get('strict_max') else '>'} {literal(kw['max_value'])}")
    return " OR ".join(parts) or "false"


def failing_rows_sql(kind, kw, table):
    """The rows that break a column expectation, as a WHERE condition; None for the other kinds."""
    col = column(kw["column"], table) if "column" in kw else None
    if kind == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if kind == "expect_column_values_to_be_in_set":
        return f"{col} NOT IN ({', '.join(literal(v) for v in kw['value_set'])})"
    if kind == "expect_column_values_to_not_be_in_set":
        return f"{col} IN ({', '.join(literal(v) for v in kw['value_set'])})"
    if kind == "expect_column_values_to_be_between":
        return bounds(col, kw)
    if kind == "expect_column_value_lengths_to_be_between":
        return bounds(f"char_length({col})", kw)
    if kind == "expect_column_values_to_match_regex":
        return f"NOT ({col} RLIKE {literal(kw['regex'])})"
    return None


def check(spark, kind, kw, table, total):
    if kind not in KWARGS:
        raise Unsupported(f"unsupported expectation type {kind}")
    unknown = sorted(set(kw) - KWARGS[kind] - NEUTRAL)
    if unknown:
        raise Unsupported(f"unsupported kwargs for {kind}: {', '.join(unknown)}")
    condition = failing_rows_sql(kind, kw, table)
    if condition is not None:
        bad = spark.sql(f"SELECT count(*) AS n FROM t WHERE {condition}").first()["n"]
        mostly = kw.get("mostly", 1.0)
        return (total == 0 or (total - bad) / total >= mostly), bad
    if kind == "expect_column_values_to_be_unique":
        col = column(kw["column"], table)
        bad = spark.sql(f"SELECT count(*) AS n FROM (SELECT {col} FROM t WHERE {col} IS NOT NULL GROUP BY {col} HAVING count(*) > 1)").first()["n"]
        return bad == 0, bad
    if kind == "expect_compound_columns_to_be_unique":
        cols = ", ".join(column(c, table) for c in kw["column_list"])
        bad = spark.sql(f"SELECT count(*) AS n FROM (SELECT {cols} FROM t GROUP BY {cols} HAVING count(*) > 1)").first()["n"]
        return bad == 0, bad
    if kind == "expect_table_row_count_to_be_between":
        broken = spark.sql(f"SELECT ({bounds('count(*)', kw)}) AS b FROM t").first()["b"]
        return not broken, total
    if kind == "expect_table_columns_to_match_set":
        have = set(table.columns)
        want = set(kw["column_set"])
        return (have == want) if kw.get("exact_match", True) else want <= have, sorted(have ^ want)
    if kind == "expect_column_values_to_be_of_type":
        actual = field_type(kw["column"], table)
        return actual == kw["type_"], actual
    # unexpected_rows_expectation: GX puts the batch where the query says {batch}
    bad = spark.sql(kw["unexpected_rows_query"].replace("{batch}", "t")).count()
    return bad == 0, bad


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a contractgen quality suite on a Parquet location or a table")
    parser.add_argument("--suite", required=True)
    parser.add_argument("--table", required=True, help="a Parquet location (s3a://...) or a catalog table name")
    parser.add_argument("--s3-endpoint", help="the object store's endpoint (MinIO): s3a is set up as the jobs set it, keys from MINIO_ACCESS_KEY and MINIO_SECRET_KEY")
    args = parser.parse_args(argv)
    with open(args.suite, encoding="utf-8") as f:
        suite = json.load(f)
    # GX 1.x names the suite and each expectation's type `name` and `type`; GX 0.18 `expectation_suite_name` and `expectation_type`
    name = suite.get("name", suite.get("expectation_suite_name"))
    builder = SparkSession.builder.appName(f"quality-{name}").config("spark.sql.session.timeZone", "UTC")
    if args.s3_endpoint:
        # the same s3a settings as the jobs' spark_session: the trusted layer is on MinIO, not AWS
        builder = (
            builder.config("spark.hadoop.fs.s3a.endpoint", args.s3_endpoint)
            .config("spark.hadoop.fs.s3a.path.style.access", "true")
            .config("spark.hadoop.fs.s3a.connection.ssl.enabled", str(args.s3_endpoint.startswith("https")).lower())
            .config("spark.hadoop.fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
            .config("spark.hadoop.fs.s3a.access.key", os.environ.get("MINIO_ACCESS_KEY", ""))
            .config("spark.hadoop.fs.s3a.secret.key", os.environ.get("MINIO_SECRET_KEY", ""))
        )
    spark = builder.getOrCreate()
    table = spark.read.parquet(args.table) if "://" in args.table else spark.table(args.table)
    table.createOrReplaceTempView("t")
    total = spark.sql("SELECT count(*) AS n FROM t").first()["n"]
    failed = 0
    for exp in suite["expectations"]:
        kind = exp.get("type", exp.get("expectation_type"))
        kw = exp.get("kwargs") or {}
        try:
            ok, observed = check(spark, kind, kw, table, total)
            verdict = "PASS" if ok else "FAIL"
        except Exception as e:  # a type or kwarg not implemented, a query Spark cannot analyze: reported, and the rest still run
            verdict, observed = "ERROR", f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        failed += 0 if verdict == "PASS" else 1
        print(f"{verdict} {kind} {json.dumps(kw, sort_keys=True)} observed={observed}")
    print(f"{name}: {len(suite['expectations']) - failed} passed, {failed} failed")
    spark.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
