"""A real distributed run: screening on a Dask ``LocalCluster`` with two worker processes.

The input is the example corpus (``examples/revisions/corpus.jsonl``) and the example filings of
``examples/`` as one JSONL file (with a filing that has an unknown field, a blank line and a line
cut short, so that error records travel too). The cluster runs the pipeline of
``docs/screening.md`` as written there: one partition a file, ``screen_records`` on each, the
records written with ``to_textfiles``. Each output file must be byte for byte what
``rongcuo screen`` writes for the same file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rongcuo import load_filing, load_ruleset

from .conftest import EXAMPLES, ROOT, RULES

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


def _inputs(root: Path) -> list[Path]:
    root.mkdir()
    corpus = root / "corpus.jsonl"
    corpus.write_bytes((EXAMPLES / "revisions" / "corpus.jsonl").read_bytes())
    lines = [
        json.dumps(load_filing(path).model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        for path in sorted(EXAMPLES.glob("*.*"))
    ]
    lines += ['{"subject": {"kind": "unit"}, "colour": "red"}', "", '{"subject": {"kind"']
    examples = root / "examples.jsonl"
    examples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [corpus, examples]


def _screen_cli(path: Path) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "screen", str(path), "--rules", str(RULES)],
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_dask_local_cluster_matches_rongcuo_screen(tmp_path: Path) -> None:
    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    from rongcuo.batch.screen import screen_records

    inputs = _inputs(tmp_path / "in")
    rules = load_ruleset(RULES)
    out = tmp_path / "out"
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        # docs/screening.md: one partition a file, so each file's records are numbered from 1
        lines = db.read_text([str(p) for p in inputs], blocksize=None)
        assert lines.npartitions == len(inputs)
        records = lines.map_partitions(
            lambda part: list(
                screen_records((line.removesuffix("\n") for line in part), rules=rules)
            )
        )
        writes = records.map(
            lambda r: json.dumps(r, ensure_ascii=False, separators=(",", ":"))
        ).to_textfiles(str(out / "*.jsonl"), encoding="utf-8", last_endline=True, compute=False)
        for future in client.compute(writes):
            future.result(timeout=240)  # bounded: a stuck worker fails the test, never hangs it
        # the work ran in the worker processes, not in this one
        ran_on = client.run(lambda: __import__("os").getpid())
        assert len(set(ran_on.values())) == 2
    outputs = sorted(out.glob("*.jsonl"), key=lambda p: int(p.stem))
    assert len(outputs) == len(inputs)
    total = 0
    for source, written in zip(inputs, outputs, strict=True):
        expected = _screen_cli(source)
        assert written.read_bytes() == expected, source.name
        total += expected.count(b"\n")
    assert total == 40 + 4 + 3  # the corpus's 40 filings, the 4 examples, the 3 added lines
