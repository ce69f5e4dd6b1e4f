"""Commands of the rongcuo CLI for screen (registered by :mod:`rongcuo.cli`).

``rongcuo screen INPUT`` screens a JSONL file (one filing a line), standard input (``-``) or a
directory of YAML/JSON filings into JSONL records, one per input record, in input order. Exit
status: 0 when the run completed (bad records become error records), 1 when the input cannot be
read or the output cannot be written (``io_error``), the output is an input
(``screen_output_is_input``) or another run's (``screen_output_locked``), or ``--resume`` finds an
output this run did not make (``screen_resume_mismatch``); 2 for a usage error; 130 when
interrupted (the output then holds every record finished; ``--resume`` continues it).
"""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_INTERRUPTED = 130

_LABELS = {
    "zh": {
        "done": "已筛查 {records} 条记录（{filings} 份备案，{errors} 条错误），"
        "用时 {seconds:.2f} 秒（每秒 {rate:,.0f} 条）",
        "resumed": "（其中 {n} 条为此前已完成、本次续跑跳过）",
        "status": "结论",
        "clause": "决定条款",
        "errors": "错误",
        "interrupted": "已中断：输出中保存了已完成的 {n} 条记录；加 --resume 可从断点继续。",
    },
    "en": {
        "done": "screened {records} records ({filings} filings, {errors} errors) in "
        "{seconds:.2f} s ({rate:,.0f}/s)",
        "resumed": "({n} of them were already done and skipped by --resume)",
        "status": "status",
        "clause": "decisive",
        "errors": "errors",
        "interrupted": "interrupted: the output holds the {n} records finished; "
        "run again with --resume to continue.",
    },
}


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    from ..errors import RongcuoError
    from ._common import (
        EXIT_INVALID,
        Format,
        FormatOpt,
        Lang,
        LangOpt,
        RulesOpt,
        _fail,
        _rules,
        err,
        out,
    )

    @app.command()
    def screen(
        input: Annotated[
            str,
            typer.Argument(
                help="A JSONL file (one filing a line), - for standard input, "
                "or a directory of YAML/JSON filings."
            ),
        ],
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Write records here (default: standard output)."),
        ] = None,
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", min=1, max=256, help="Worker processes.")
        ] = 1,
        trace: Annotated[
            bool, typer.Option("--trace", help="Put the full verdict in every record.")
        ] = False,
        resume: Annotated[
            bool,
            typer.Option(
                "--resume", help="Continue an interrupted run: keep the records in --output."
            ),
        ] = False,
        summary_only: Annotated[
            bool,
            typer.Option("--summary-only", help="Print only the summary, no records."),
        ] = False,
        rules: RulesOpt = None,
        fmt: FormatOpt = Format.text,
        lang: LangOpt = Lang.zh,
    ) -> None:
        """Screen many filings: one JSONL record per filing, in input order."""
        from ..batch import screen as screening

        if resume and output is None:
            raise typer.BadParameter("--resume needs --output FILE", param_hint="--resume")
        if summary_only and (resume or output is not None):
            raise typer.BadParameter(
                "--summary-only writes no records", param_hint="--summary-only"
            )
        try:
            ruleset = _rules(rules)
        except RongcuoError as exc:
            _fail(exc, fmt, lang)

        progress = _Progress() if sys.stderr.isatty() and not summary_only else None
        try:
            with progress if progress is not None else _Nothing():
                outcome = screening.run(
                    input,
                    rules=ruleset,
                    output=output,
                    jobs=jobs,
                    trace=trace,
                    resume=resume,
                    write_records=not summary_only,
                    progress=progress.advance if progress is not None else None,
                    total=progress.start if progress is not None else None,
                    rules_dir=None if rules is None else str(rules),
                )
        except screening.ScreenError as exc:
            if fmt is Format.json:
                problem = {"error": "input", "problems": [exc.problem.to_dict(lang.value)]}
                out.print(json.dumps(problem, ensure_ascii=False, indent=2), markup=False)
            else:
                err.print(f"rongcuo: {exc.problem.render(lang.value)}", markup=False)
            raise typer.Exit(EXIT_INVALID) from None

        data: dict[str, Any] = outcome.summary.to_data()
        data["resumed"] = outcome.resumed
        data["seconds"] = round(outcome.seconds, 3)
        data["interrupted"] = outcome.interrupted
        console = out if summary_only else err
        if fmt is Format.json:
            console.print(json.dumps(data, ensure_ascii=False), markup=False)
        else:
            console.print(_summary_text(data, outcome.resumed, lang.value), markup=False)
        if outcome.interrupted:
            if fmt is Format.text:
                n = data["records"]
                err.print(_LABELS[lang.value]["interrupted"].format(n=n), markup=False)
            raise typer.Exit(EXIT_INTERRUPTED)


def _summary_text(data: dict[str, Any], resumed: int, lang: str) -> str:
    from ..verdict.verdict import Status

    labels = _LABELS[lang]
    new = data["records"] - resumed
    rate = new / data["seconds"] if data["seconds"] else 0.0
    lines = [labels["done"].format(rate=rate, **data)]
    if resumed:
        lines[0] += " " + labels["resumed"].format(n=resumed)

    def row(title: str, counts: dict[str, int], name: Any = str) -> None:
        if counts:
            cells = " · ".join(f"{name(k)} {v}" for k, v in counts.items())
            lines.append(f"  {title}: {cells}")

    def status_name(value: str) -> str:
        status = Status(value)
        return f"{value} ({status.zh})" if lang == "zh" else value

    row(labels["status"], data["by_status"], status_name)
    row(labels["clause"], data["by_clause"])
    row(labels["errors"], data["errors_by_code"])
    return "\n".join(lines)


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _Progress:
    """A rich progress bar on stderr: bytes of the input read, or files of a directory."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("screening"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("records {task.fields[records]:,}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._bar.add_task("screen", total=None, records=0)
        self._by_bytes = True

    def __enter__(self) -> "_Progress":
        return self  # the bar starts on the first advance, after any worker processes fork

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, total: int | None) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, records: int, position: int) -> None:
        if not self._bar.live.is_started:
            self._bar.start()
        completed = position if position else records
        self._bar.update(self._task, completed=completed, records=records)
