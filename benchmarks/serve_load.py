"""A bounded load test of ``rongcuo serve`` on loopback: C concurrent clients x N requests each.

Starts ``rongcuo serve`` on 127.0.0.1 (a free port), waits for ``/healthz``, then runs
``--clients`` client threads, each with its own keep-alive HTTP connection (httpx), sending
``--requests`` POST /v1/verdicts requests, cycling through the example filings in ``examples/``
and one invalid filing (a value listed twice, answered 422 with a problem document). Every
answer is checked: its status is the one expected for its filing and its body parses (a verdict
with the expected ``status``, or a problem document with the expected code). Prints p50 and p99
latency, requests per second, the error count (an unexpected status or body, or a failed
request) and lost responses (requests sent without an answer), then stops the server.

    .venv/bin/python benchmarks/serve_load.py                        # 2 clients x 10,000
    .venv/bin/python benchmarks/serve_load.py --clients 2 --requests 300

tests/test_service.py runs the 2 x 300 variant and asserts 0 errors and 0 lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(*args: str, timeout: float = 60.0) -> Iterator[str]:
    """``rongcuo serve`` in a child process on 127.0.0.1; yields its base URL; stops it."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rongcuo.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"rongcuo serve exited {proc.returncode}: {proc.stderr.read().decode()}"
                )  # type: ignore[union-attr]
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"rongcuo serve did not answer within {timeout} s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def _twice(data: object) -> bool:
    """List the first string of the first list of strings in ``data`` twice (in place)."""
    if isinstance(data, dict):
        return any(_twice(v) for v in data.values())
    if isinstance(data, list):
        if data and isinstance(data[0], str):
            data.append(data[0])
            return True
        return any(_twice(v) for v in data)
    return False


def workload() -> list[tuple[bytes, int, str]]:
    """``(body, expected HTTP status, expected verdict status or error code)`` per filing:
    the example filings (their expected statuses from tests/examples_expected.yaml), and the
    first of them with a value of a list given twice (refused: ``filing_duplicate_value``)."""
    expected = yaml.safe_load((ROOT / "tests" / "examples_expected.yaml").read_text("utf-8"))
    items = []
    twice = None
    for name, want in sorted(expected.items()):
        data = yaml.safe_load((ROOT / "examples" / name).read_text("utf-8"))
        items.append(
            (json.dumps(data, ensure_ascii=False, default=str).encode(), 200, want["status"])
        )
        if twice is None and _twice(data):
            twice = json.dumps(data, ensure_ascii=False, default=str).encode()
    if twice is not None:
        items.append((twice, 422, "filing_duplicate_value"))
    return items


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sent: int = 0
    answered: int = 0
    first_error: str = ""


def client(
    url: str, n: int, items: list[tuple[bytes, int, str]], tally: Tally, offset: int
) -> None:
    headers = {"Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=30) as http:
        for i in range(n):
            body, status, want = items[(i + offset) % len(items)]
            tally.sent += 1
            started = time.perf_counter()
            try:
                r = http.post("/v1/verdicts?trace=false", content=body, headers=headers)
            except httpx.HTTPError as exc:
                tally.errors += 1
                tally.first_error = tally.first_error or repr(exc)
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.answered += 1
            try:
                data = r.json()
                got = data["status"] if r.status_code == 200 else data["errors"][0]["code"]
            except (ValueError, KeyError, IndexError, TypeError):
                got = "<unreadable body>"
            if r.status_code != status or got != want:
                tally.errors += 1
                tally.first_error = (
                    tally.first_error or f"{r.status_code} {got!r}, wanted {status} {want!r}"
                )


def run(url: str, clients: int, requests: int) -> dict[str, float | int | str]:
    items = workload()
    tallies = [Tally() for _ in range(clients)]
    threads = [
        threading.Thread(target=client, args=(url, requests, items, t, k))
        for k, t in enumerate(tallies)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for t in tallies for x in t.latencies)
    sent = sum(t.sent for t in tallies)
    answered = sum(t.answered for t in tallies)

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    return {
        "clients": clients,
        "requests": sent,
        "answered": answered,
        "errors": sum(t.errors for t in tallies),
        "lost": sent - answered,
        "p50_ms": round(pct(0.50), 2),
        "p99_ms": round(pct(0.99), 2),
        "rps": round(answered / elapsed, 1) if elapsed else 0.0,
        "seconds": round(elapsed, 2),
        "first_error": next((t.first_error for t in tallies if t.first_error), ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--requests", type=int, default=10_000, help="per client")
    args = parser.parse_args()
    if not (1 <= args.clients <= 16 and 1 <= args.requests <= 100_000):
        parser.error("at most 16 clients and 100,000 requests each: the test is bounded")
    with serving() as url:
        result = run(url, args.clients, args.requests)
    print(
        f"rongcuo serve on loopback: {result['clients']} clients x {args.requests} requests "
        f"(POST /v1/verdicts, trace=false)\n"
        f"  answered {result['answered']} of {result['requests']} in {result['seconds']} s "
        f"({result['rps']} requests/s)\n"
        f"  p50 {result['p50_ms']} ms   p99 {result['p99_ms']} ms\n"
        f"  errors {result['errors']}   lost {result['lost']}"
    )
    if result["first_error"]:
        print(f"  first error: {result['first_error']}")
    sys.exit(1 if result["errors"] or result["lost"] else 0)


if __name__ == "__main__":
    main()
