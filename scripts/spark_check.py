"""Run the Spark example of docs/screening.md on a local Spark and compare it with `rongcuo screen`.

    pip install pyspark                 # not a CI dependency; Spark needs Java 17 (java -version)
    python scripts/spark_check.py       # exits 0 when the outputs are byte for byte the same

The input is the example corpus (examples/revisions/corpus.jsonl), the filings of examples/ and
three bad lines (an unknown field, a blank line, a line cut short), as one JSONL file. Spark runs
the documented pipeline (`local[2]`: two Python workers); its part files, concatenated in order,
must equal what `rongcuo screen` writes for the same file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_input(path: Path) -> None:
    from rongcuo import load_filing

    lines = (ROOT / "examples" / "revisions" / "corpus.jsonl").read_text("utf-8").splitlines()
    for filing in sorted((ROOT / "examples").glob("*.*")):
        data = load_filing(filing).model_dump(mode="json", exclude_none=True)
        lines.append(json.dumps(data, ensure_ascii=False))
    lines += ['{"subject": {"kind": "unit"}, "colour": "red"}', "", '{"subject": {"kind"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def spark_screen(source: Path, target: Path) -> bytes:
    """The pipeline of docs/screening.md, as written there."""
    from pyspark.sql import SparkSession

    from rongcuo import load_ruleset
    from rongcuo.batch.screen import screen_record

    rules = load_ruleset(ROOT / "rules")
    spark = SparkSession.builder.master("local[2]").appName("rongcuo-check").getOrCreate()
    try:
        sc = spark.sparkContext
        shared = sc.broadcast(rules)  # pickled once, sent to each executor once

        lines = sc.textFile(str(source)).zipWithIndex()
        records = lines.map(
            lambda pair: screen_record(pair[0], rules=shared.value, source={"line": pair[1] + 1})
        )
        records.map(
            lambda r: json.dumps(r, ensure_ascii=False, separators=(",", ":"))
        ).saveAsTextFile(str(target))
    finally:
        spark.stop()
    parts = sorted(target.glob("part-*"))
    return b"".join(p.read_bytes() for p in parts)


def main() -> None:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "filings.jsonl"
        build_input(source)
        expected = subprocess.run(
            [sys.executable, "-m", "rongcuo.cli", "screen", str(source), "--rules", "rules"],
            capture_output=True,
            cwd=ROOT,
            check=True,
        ).stdout
        got = spark_screen(source, Path(tmp) / "verdicts")
    n = expected.count(b"\n")
    if got == expected:
        print(f"spark: {n} records, byte for byte the same as rongcuo screen")
        sys.exit(0)
    got_n = got.count(b"\n")
    print(f"spark: output differs from rongcuo screen ({got_n} vs {n} records)")
    for a, b in zip(got.splitlines(), expected.splitlines(), strict=False):
        if a != b:
            print(f"  spark:  {a.decode()}\n  screen: {b.decode()}")
            break
    sys.exit(1)


if __name__ == "__main__":
    main()
