"""A stand-in for PySpark in tests (test/helpers/quality-runner.ts): see pyspark/sql/__init__.py."""
