"""The command line: ``rongcuo check``, ``rongcuo schema``, ``rongcuo rules``, ``rongcuo verify``.

Exit status: 0 when a verdict was reached (whatever its status); 1 when the input (a filing, a
ruleset, a stored verdict) is invalid, with every problem listed as ``file:line:col: code: message``
or, with ``--format json``, as JSON on standard output; 2 for a usage error; 70 for an internal
error (a bug in rongcuo: please report it).

The typer app and its commands are in :mod:`rongcuo.cli._app` (``app`` and ``schema_text`` are
importable from here too); this module holds :func:`main`, which a plain ``check`` runs without
the app (and without importing typer).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
from typing import TYPE_CHECKING, Any, Literal, TextIO

from .. import reader
from ..errors import RongcuoError, escape_terminal
from . import _output, _plugins
from ._output import EXIT_INTERNAL, EXIT_INVALID, _argv_lang, print_plain

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["app", "main", "schema_text"]


def __getattr__(name: str) -> Any:
    """The typer app's names (``app``, ``schema_text``, the commands), imported on first use."""
    if name.startswith("__") or name == "_app":  # (``from . import _app`` asks for it first)
        raise AttributeError(name)
    import importlib

    module = importlib.import_module(f"{__name__}._app")
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


_FORMATS = ("text", "json")
_LANGS: tuple[Literal["zh"], Literal["en"]] = ("zh", "en")


def _plain_check(argv: list[str]) -> tuple[str, str, Literal["zh", "en"], bool] | None:
    """``(file, format, lang, trace)`` when ``argv`` is ``check FILE`` with no options but
    ``--format``/``-f``, ``--lang``/``-l`` (valid values, in any of the forms the parser takes
    them: ``--lang en``, ``--lang=en``; the last one given counts, as with the parser) and
    ``--trace``, and a file name that is not ``-``; else ``None``: the typer app runs it."""
    if not argv or argv[0] != "check":
        return None
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None  # a shell-completion request: the app answers it
    file: str | None = None
    fmt, lang, trace = "text", "zh", False  # the app's defaults
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=")
        if arg == "--trace":
            trace = True
        elif name in ("--format", "--lang") and eq:
            if name == "--format":
                fmt = value
            else:
                lang = value
        elif arg in ("--format", "-f", "--lang", "-l") and i + 1 < len(rest):
            i += 1
            if arg in ("--format", "-f"):
                fmt = rest[i]
            else:
                lang = rest[i]
        elif not arg.startswith("-") and file is None:
            file = arg
        else:
            return None
        i += 1
    if file is None or fmt not in _FORMATS:
        return None
    for known in _LANGS:
        if lang == known:
            return file, fmt, known, trace
    return None


def _fast_check(argv: list[str]) -> bool:
    """Run a plain ``check`` (:func:`_plain_check`) without the typer app, exactly as the app
    runs it: the same ruleset, reading, evaluation and output; ``True`` when done (the app
    would exit 0; :func:`main` does). ``False`` when
    ``argv`` is not a plain check, or when anything fails before the verdict is printed (an
    invalid filing, say): the app then runs the command from the start and reports it, so
    every error, usage message and help text is the app's own."""
    plain = _plain_check(argv)
    if plain is None:
        return False
    file, fmt, lang, trace = plain
    # One filing, then exit: the few reference cycles it makes are freed with the process, and
    # the collector's passes over the objects that importing makes cost more (~5% of a check);
    # main() turns it on again unless the process ends here
    collecting = gc.isenabled()
    gc.disable()
    try:
        from ..engine.decide import evaluate
        from ..facts.filings import load_filing
        from ..rules.load import load_ruleset
        from ..verdict.render import render_text

        ruleset = load_ruleset(None)
        verdict = evaluate(
            load_filing(file, rules=ruleset),
            rules=ruleset,
            as_of=None,
            backend="native",
            key=None,
            missing="walk",
        )
        text = (
            verdict.to_json()
            if fmt == "json"
            else render_text(verdict, lang=lang, full_trace=trace, rules=ruleset)
        )
    except KeyboardInterrupt:
        sys.exit(130)  # as the app's parser ends a command interrupted
    except Exception:
        if collecting:
            gc.enable()  # the app runs the command from the start, collector and all
        return False
    try:
        if fmt == "json":
            print_plain(text)  # as the app prints it: out.print(text, markup=False)
        else:
            print_plain(escape_terminal(text), end="")  # as the app's say(text, end="")
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        # the reader went away: quiet, as the app's parser (click) handles it
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    return True


def main() -> None:
    """Entry point: run the app; an internal error is reported without a traceback.

    A plain ``rongcuo check FILE`` (see :func:`_fast_check`) is run without building the typer
    app, which costs more to import than the rest of the command (docs/performance.md).

    When ``main`` is the program (the ``rongcuo`` script, ``python -m rongcuo.cli``), a
    ``check`` (plain or through the app, whatever its exit status) ends the process as soon as
    its output is flushed and the ``atexit`` functions have run, without the interpreter's
    teardown, which frees every object the imports made, one by one: a sizeable part of a warm
    check (docs/performance.md). ``check`` writes nothing but standard output and error, so
    nothing is left for the teardown to do. Called from other code (a test, a program
    embedding the command line), ``main`` raises :class:`SystemExit` as ever.

    A failure of the environment (a closed standard stream, a full disk, a file too large for
    the process's limit) is ``io_error``, exit 1, never an internal error.
    """
    program = _called_as_program()
    if not program or sys.argv[1:2] != ["check"]:
        _run(program)
        return
    try:
        _run(program)
    except SystemExit as exc:
        status = 0 if exc.code is None else exc.code
        if isinstance(status, int) and 0 <= status <= 255:
            _end_process(status)
        raise


def _run(program: bool) -> None:
    """:func:`main`'s work; ``program``: the process ends with it (the collector may stay off)."""
    collecting = gc.isenabled()
    _closed_streams()
    _plugins.skip_lookup_without_plugins()  # (pydantic's plugin lookup, when none is declared)
    restore = _checked_stdout()
    checked = False
    try:
        try:
            checked = _fast_check(sys.argv[1:])
            if not checked:
                from ._app import app

                app()
        finally:
            if collecting and not program:
                gc.enable()  # (a plain check turns it off)
            _flush_stdout(restore)
    except OSError as exc:  # the environment failed (disk full, closed stdout, ...): not a bug
        _io_failed(exc)
    except KeyboardInterrupt:
        _output.err.print("rongcuo: interrupted", markup=False)
        sys.exit(130)
    except UnicodeEncodeError as exc:  # the output's encoding (PYTHONIOENCODING=ascii, say)
        if os.environ.get("RONGCUO_DEBUG") and not _output_encoding(exc):
            raise
        _unencodable(exc)
    except RongcuoError as exc:  # e.g. a missing optional extra where no command caught it
        _output.err.print(f"rongcuo: {exc.render(_argv_lang(sys.argv[1:]))}", markup=False)
        sys.exit(EXIT_INVALID)
    except Exception as exc:  # a bug in rongcuo, not bad input: bad input is a RongcuoError
        if os.environ.get("RONGCUO_DEBUG"):
            raise
        _internal_error(exc)
    if checked:
        sys.exit(0)  # as the app ends a command that succeeded


def _internal_error(exc: Exception) -> None:
    """Report a bug in rongcuo (not bad input): exit 70."""
    _output.err.print(
        f"rongcuo: internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in rongcuo. Run again with RONGCUO_DEBUG=1 for the traceback.",
        markup=False,
    )
    sys.exit(EXIT_INTERNAL)


def _output_encoding(exc: UnicodeEncodeError) -> bool:
    """Whether ``exc`` is a standard stream's encoding failing on text (rongcuo encodes
    everything else as UTF-8, which fails only on a lone surrogate: a bug)."""
    codec = exc.encoding.lower().replace("-", "").replace("_", "")
    return codec not in ("utf8", "utf8sig")


def _cannot_write_chinese(stream: Any) -> bool:
    try:
        "错误".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def _unencodable(exc: UnicodeEncodeError) -> None:
    """Standard output (or error) cannot write the text in its encoding: ``io_error``, exit 1,
    said in English when standard error cannot write Chinese either."""
    from ..errors import Location, Problem

    if not _output_encoding(exc):
        _internal_error(exc)
    problem = Problem(
        "io_error",
        f"cannot write: the output's encoding ({exc.encoding}) cannot write this text",
        Location("<stdout>" if _cannot_write_chinese(sys.stdout) else "<stderr>"),
        "set PYTHONIOENCODING=utf-8, or use a UTF-8 locale",
        message_zh=f"无法写入：输出的编码（{exc.encoding}）无法写出这些文字",
        hint_zh="请设置 PYTHONIOENCODING=utf-8，或使用 UTF-8 区域设置",
    )
    lang = "en" if _cannot_write_chinese(sys.stderr) else _argv_lang(sys.argv[1:])
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)  # what is still buffered for stdout: dropped
        os.dup2(null, 1)
        os.close(null)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"rongcuo: {problem.render(lang)}\n")
        sys.stderr.flush()
    sys.exit(EXIT_INVALID)


def _called_as_program() -> bool:
    """Whether :func:`main`'s caller is the program itself, which ends when main does: the
    top-level code of the script named on the command line (the ``rongcuo`` script that pip
    writes, ``sys.exit(main())``), or ``python -m rongcuo.cli``."""
    caller = sys._getframe(2)
    scope = caller.f_globals
    if scope.get("__name__") != "__main__":
        return False
    spec = scope.get("__spec__")
    if spec is not None:
        return getattr(spec, "name", None) == f"{__name__}.__main__"
    return caller.f_back is None and caller.f_code.co_filename == scope.get("__file__")


def _end_process(status: int) -> None:
    """End the process with ``status`` as the interpreter would, without its teardown: standard
    output and error flushed, the ``atexit`` functions run. When a thread other than the main
    one is still running (none is, in a check), or a stream cannot be flushed, this returns:
    the interpreter ends the process as ever."""
    import atexit

    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            return  # the interpreter reports it, as ever
    atexit._run_exitfuncs()
    os._exit(status)


def _checked_stdout() -> TextIO | None:
    """Standard output through :class:`_CheckedRaw`, so that a write the system cuts short
    (``EFBIG`` under a file-size limit, ``ENOSPC``) raises instead of being dropped by the
    buffered writer; returns the stream to put back. Only the process's own standard output is
    replaced (not one a test harness put in its place)."""
    stream = sys.stdout
    if stream is not sys.__stdout__ or not isinstance(stream, io.TextIOWrapper):
        return None
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return None
    stream.flush()
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_CheckedRaw(fd)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
    )
    return stream


def _flush_stdout(restore: TextIO | None) -> None:
    """Flush standard output (an error is raised here, not lost at exit); put back ``restore``."""
    try:
        sys.stdout.flush()
    finally:
        if restore is not None:
            sys.stdout = restore


class _CheckedRaw(io.RawIOBase):
    """A descriptor written whole or not at all: a short write is retried, an error raised."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data: ReadableBuffer) -> int:
        import errno

        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            n = os.write(self._fd, view[done:])
            if n <= 0:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            done += n
        return done


def _closed_streams() -> None:
    """Standard output or error closed when the process started (``>&-``): Python leaves
    ``sys.stdout`` ``None``. Writing there then fails as writing to a closed descriptor does
    (``EBADF``), so the command reports ``io_error`` rather than crashing on ``None``."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, _Closed(name))


class _Closed:
    """A standard stream that was closed: every write fails with ``EBADF``."""

    def __init__(self, name: str) -> None:
        self.name = f"<{name}>"

    @property
    def buffer(self) -> _Closed:  # the binary stream under it: closed as well
        return self

    def write(self, text: str | bytes) -> int:
        import errno

        raise OSError(errno.EBADF, os.strerror(errno.EBADF), self.name)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        import errno

        raise OSError(errno.EBADF, os.strerror(errno.EBADF), self.name)


def _io_failed(exc: OSError) -> None:
    """Report an environment failure as ``io_error`` on stderr (if it is open); exit 1."""
    import errno

    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        sys.exit(EXIT_INVALID)  # the reader of our output went away: nothing more to say
    where = exc.filename if isinstance(exc.filename, str) else "<stdout>"
    problem = reader.io_problem(exc, where, writing=True)
    if where == "<stdout>":  # what is still buffered for it is dropped quietly at exit
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.close(null)
    with contextlib.suppress(OSError):  # standard error may be gone too
        _output.err.print(f"rongcuo: {problem.render(_argv_lang(sys.argv[1:]))}", markup=False)
    sys.exit(EXIT_INVALID)
