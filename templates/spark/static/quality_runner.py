"""Runs a contractgen quality suite (Great Expectations 1.x JSON) against a trusted table with Spark SQL alone.

    spark-submit quality_runner.py --suite users.json --table s3a://lake-trusted/trusted/users/
    spark-submit --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog ... \
        quality_runner.py --suite users.json --table lake.trusted.users

--table is a Parquet location, or a table name (an Iceberg table, read through its catalog: the files under an
Iceberg location include those of replaced snapshots, which only the table's metadata tells apart).

Prints one line per expectation and exits 1 when any fails. It implements the expectation types contractgen
emits, so the checks run where the data is, without a GX installation on the Spark cluster.
"""

import argparse
import json
import sys

from pyspark.sql import SparkSession


def quote(name):
    return "`" + name.replace("`", "``") + "`"


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


def failing_rows_sql(exp):
    """The rows that break a column expectation, as a WHERE condition; None for table-level expectations."""
    kind, kw = exp["type"], exp["kwargs"]
    col = quote(kw["column"]) if "column" in kw else None
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


def check(spark, exp, table):
    kind, kw = exp["type"], exp["kwargs"]
    total = spark.sql("SELECT count(*) AS n FROM t").first()["n"]
    condition = failing_rows_sql(exp)
    if condition is not None:
        bad = spark.sql(f"SELECT count(*) AS n FROM t WHERE {condition}").first()["n"]
        mostly = kw.get("mostly", 1.0)
        return (total == 0 or (total - bad) / total >= mostly), bad
    if kind == "expect_column_values_to_be_unique":
        col = quote(kw["column"])
        bad = spark.sql(f"SELECT count(*) AS n FROM (SELECT {col} FROM t WHERE {col} IS NOT NULL GROUP BY {col} HAVING count(*) > 1)").first()["n"]
        return bad == 0, bad
    if kind == "expect_compound_columns_to_be_unique":
        cols = ", ".join(quote(c) for c in kw["column_list"])
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
        actual = type(table.schema[kw["column"]].dataType).__name__
        return actual == kw["type_"], actual
    if kind == "unexpected_rows_expectation":
        bad = spark.sql(kw["unexpected_rows_query"].replace("{batch}", "t")).count()
        return bad == 0, bad
    raise ValueError(f"unsupported expectation type {kind}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a contractgen quality suite on a Parquet location or a table")
    parser.add_argument("--suite", required=True)
    parser.add_argument("--table", required=True, help="a Parquet location (s3a://...) or a catalog table name")
    args = parser.parse_args(argv)
    with open(args.suite, encoding="utf-8") as f:
        suite = json.load(f)
    spark = SparkSession.builder.appName(f"quality-{suite['name']}").getOrCreate()
    table = spark.read.parquet(args.table) if "://" in args.table else spark.table(args.table)
    table.createOrReplaceTempView("t")
    failed = 0
    for exp in suite["expectations"]:
        ok, observed = check(spark, exp, table)
        failed += 0 if ok else 1
        print(f"{'PASS' if ok else 'FAIL'} {exp['type']} {json.dumps(exp['kwargs'], sort_keys=True)} observed={observed}")
    print(f"{suite['name']}: {len(suite['expectations']) - failed} passed, {failed} failed")
    spark.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
