"""The one bounded reader: every byte that enters rongcuo comes through here.

Filings (``load_filing``, ``-`` for standard input), rule files, stored verdicts, corpora,
coverage cases and the inputs of ``rongcuo screen`` are read by the functions of this module,
which promise:

* **Bounded reads.** :func:`read_file` and :func:`read_stdin` read at most ``limit`` bytes (and
  one more, to tell that there is more) in a loop of bounded ``read`` calls, whatever ``stat``
  says: a file that grows while it is read, ``/proc`` files that report size 0, or a pipe of
  endless bytes all stop at the limit with ``too_large``.
* **Regular files only, where a file is expected.** A path is checked with ``stat`` (symlinks
  followed: the target is what counts) and opened with ``O_RDONLY | O_NONBLOCK``, then checked
  again with ``fstat`` on the open descriptor. A directory, FIFO, character or block device
  (``/dev/zero``) or socket is ``not_regular_file``: nothing blocks on a FIFO with no writer, and
  nothing is read from a device. Standard input is read as it comes (a pipe is what it usually
  is), bounded all the same.
* **Coded, located errors.** ``io_error`` (with the system's reason: "No such file or
  directory", "Permission denied", ...), ``too_large``, ``not_regular_file``, ``not_utf8`` (with
  ``file:line:col`` of the first bad byte; bad bytes are never replaced), ``json_syntax``,
  ``json_duplicate_key``, ``too_deep``; each raised as the caller's
  :class:`~rongcuo.errors.RongcuoError` subclass, so a rule file's problem is a ``RulesError`` and
  a filing's a ``FilingError``. A path that is not valid UTF-8 is shown with its bad bytes
  escaped (:func:`shown_path`), so an error about it can always be printed and written as JSON.
* **One JSON path and one YAML path.** :func:`parse_json` is jiter with duplicate keys refused
  and NaN/Infinity refused, nesting bounded (jiter's limit of 200) and numbers bounded (jiter
  refuses an integer of more than 4,300 digits); :func:`parse_yaml` is :mod:`rongcuo._yaml`'s safe
  loader.

Everything here is I/O at the edge of the pipeline; it sits at the root of the package and
imports nothing but :mod:`rongcuo.errors` and :mod:`rongcuo._yaml` (and jiter, when it reads
JSON).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from typing import IO, TYPE_CHECKING, Any, Final

from .errors import Location, Problem, RongcuoError

__all__ = [
    "READ_CHUNK",
    "STDIN",
    "decode_utf8",
    "fdopen_read",
    "io_problem",
    "json_problem",
    "open_regular",
    "parse_json",
    "parse_yaml",
    "read_bytes",
    "read_file",
    "read_stdin",
    "shown_path",
]

STDIN: Final = "<stdin>"
"""How standard input is named in error locations."""

READ_CHUNK: Final = 1 << 20
"""The most one ``read`` call asks for."""

_POSITION: Final = re.compile(r"at line (\d+) column (\d+)")

if TYPE_CHECKING:
    from . import _yaml  # the YAML reader is imported when YAML is first read

ErrorType = type[RongcuoError]


def shown_path(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """``path`` as text that can always be printed and encoded as UTF-8.

    A file name that is not valid UTF-8 reaches Python with its bad bytes as lone surrogates
    (``surrogateescape``); they are shown as ``\\xNN``, the byte they stand for.

    >>> shown_path(b"caf\\xe9.yaml")
    'caf\\\\xe9.yaml'
    >>> shown_path("plain.yaml")
    'plain.yaml'
    """
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that stands for no byte: shown as \udXXX
        return os.fspath(path).encode("utf-8", "backslashreplace").decode("utf-8")  # type: ignore[union-attr]
    return raw.decode("utf-8", "backslashreplace")


def io_problem(exc: OSError, path: str | os.PathLike[str], *, writing: bool = False) -> Problem:
    """An ``io_error`` for ``exc`` at ``path``, with the system's reason (``strerror``)."""
    reason = exc.strerror or (os.strerror(exc.errno) if exc.errno else type(exc).__name__)
    verb, verb_zh = ("write", "写入") if writing else ("read", "读取")
    return Problem(
        "io_error",
        f"cannot {verb}: {reason}",
        Location(shown_path(path)),
        message_zh=f"无法{verb_zh}：{reason}",
    )


def _kind(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return "a directory", "目录"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)", "命名管道（FIFO）"
    if stat.S_ISCHR(mode):
        return "a character device", "字符设备"
    if stat.S_ISBLK(mode):
        return "a block device", "块设备"
    if stat.S_ISSOCK(mode):
        return "a socket", "套接字"
    return "not a regular file", "非普通文件"


def _not_regular(path: str | os.PathLike[str], mode: int, error: ErrorType) -> RongcuoError:
    what, what_zh = _kind(mode)
    return error(
        [
            Problem(
                "not_regular_file",
                f"{what}, not a regular file: give the path of a regular file",
                Location(shown_path(path)),
                message_zh=f"是{what_zh}，不是普通文件：请给出普通文件的路径",
            )
        ]
    )


def open_regular(path: str | os.PathLike[str], *, error: ErrorType = RongcuoError) -> int:
    """Open ``path`` for reading and return the descriptor, if it is a regular file.

    Symlinks are followed; what they name must be a regular file. The check is made before the
    open (so no device is opened at all) and again on the open descriptor (so a path swapped in
    between is caught too). The descriptor is blocking again when returned.
    """
    try:
        before = os.stat(path)  # noqa: PTH116 - a str, bytes or path alike
    except OSError as exc:
        raise error([io_problem(exc, path)]) from None
    if not stat.S_ISREG(before.st_mode):
        raise _not_regular(path, before.st_mode, error)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise error([io_problem(exc, path)]) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode, error)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _too_large(where: str, limit: int, what: str, error: ErrorType) -> RongcuoError:
    return error(
        [
            Problem(
                "too_large",
                f"more than {limit} bytes; {what} holds at most {limit}",
                Location(where),
                message_zh=f"超过 {limit} 字节；{what}最多 {limit} 字节",
            )
        ]
    )


def _read_fd(fd: int, limit: int) -> bytes | None:
    """At most ``limit`` bytes from ``fd``; ``None`` when there are more."""
    parts: list[bytes] = []
    got = 0
    while got <= limit:
        part = os.read(fd, min(READ_CHUNK, limit + 1 - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return None if got > limit else b"".join(parts)


def read_file(
    path: str | os.PathLike[str],
    *,
    limit: int,
    error: ErrorType = RongcuoError,
    what: str = "a file",
) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``error`` with ``io_error``, ``not_regular_file`` or ``too_large`` (``what`` names the
    document in that message: "a filing", "a rule file", ...).
    """
    fd = open_regular(path, error=error)
    try:
        data = _read_fd(fd, limit)
    except OSError as exc:
        raise error([io_problem(exc, path)]) from None
    finally:
        os.close(fd)
    if data is None:
        raise _too_large(shown_path(path), limit, what, error)
    return data


def read_stdin(*, limit: int, error: ErrorType = RongcuoError, what: str = "a file") -> bytes:
    """Standard input, at most ``limit`` bytes; ``io_error`` when it is closed."""
    stream = sys.stdin
    if stream is None:
        problem = Problem(
            "io_error",
            "cannot read: standard input is closed",
            Location(STDIN),
            message_zh="无法读取：标准输入已关闭",
        )
        raise error([problem])
    try:
        raw = stream.buffer.read(limit + 1)
    except OSError as exc:
        raise error([io_problem(exc, STDIN)]) from None
    data = raw if len(raw) <= limit else None
    if data is None:
        raise _too_large(STDIN, limit, what, error)
    return data


def read_bytes(
    source: str | os.PathLike[str],
    *,
    limit: int,
    error: ErrorType = RongcuoError,
    what: str = "a file",
) -> bytes:
    """:func:`read_stdin` when ``source`` is ``-``, else :func:`read_file`."""
    if isinstance(source, str) and source == "-":
        return read_stdin(limit=limit, error=error, what=what)
    return read_file(source, limit=limit, error=error, what=what)


def decode_utf8(data: bytes, *, filename: str = "", error: ErrorType = RongcuoError) -> str:
    """``data`` as text; a UTF-8 byte order mark is dropped; a bad byte is ``not_utf8`` at its
    ``line:col`` (never replaced)."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise error([_not_utf8(data, exc.start, filename)]) from None


def _not_utf8(data: bytes, offset: int, filename: str) -> Problem:
    before = data[:offset].decode("utf-8", "replace")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    byte = data[offset]
    return Problem(
        "not_utf8",
        f"invalid UTF-8 byte 0x{byte:02x} (byte offset {offset})",
        Location(filename, line, col),
        "save the file as UTF-8",
        message_zh=f"无效的 UTF-8 字节 0x{byte:02x}（字节偏移 {offset}）",
    )


def parse_json(data: bytes, *, filename: str = "", error: ErrorType = RongcuoError) -> Any:
    """One JSON document from ``data`` (UTF-8, an optional BOM), or ``error`` with every problem
    coded and located ``file:line:col``.

    Duplicate keys are ``json_duplicate_key``; nesting deeper than 200 is ``too_deep``; an integer
    of more than 4,300 digits is ``too_large``; NaN and Infinity are ``json_syntax``; a byte that
    is not UTF-8 is ``not_utf8``, never replaced.

    >>> parse_json(b'{"a": [1, 2.5, null]}')
    {'a': [1, 2.5, None]}
    >>> parse_json(b'{"a": 1, "a": 2}', filename="x.json")
    Traceback (most recent call last):
    ...
    rongcuo.errors.RongcuoError: 1 problem in input
      x.json:1:14: json_duplicate_key: Detected duplicate key "a" at line 1 column 14
    """
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error([_not_utf8(data, exc.start, filename)]) from None
        data = data.removeprefix(b"\xef\xbb\xbf")
    import jiter  # (when JSON is read: a YAML filing's check does without it)

    try:
        return jiter.from_json(data, allow_inf_nan=False, catch_duplicate_keys=True)
    except ValueError as exc:
        raise error([json_problem(str(exc), filename)]) from None


def json_problem(text: str, filename: str = "") -> Problem:
    """jiter's error message as a coded problem at its ``line:col``."""
    m = _POSITION.search(text)
    line, col = (int(m.group(1)), max(int(m.group(2)), 1)) if m else (0, 0)
    if "recursion limit" in text:
        code, zh = "too_deep", "文档嵌套过深（最多 200 层）"  # jiter nests at most 200 levels
    elif "duplicate key" in text:
        key = _DUPLICATE_KEY.search(text)
        code, zh = "json_duplicate_key", f"重复的键 {key.group(1) if key else ''}".rstrip()
    elif "number out of range" in text:
        code, zh = "too_large", "数字超出范围（整数最多 4,300 位）"  # an int of 4,300+ digits
    else:
        code, zh = "json_syntax", _JSON_ZH.get(_bare(text), _bare(text))
    return Problem(code, text, Location(filename, line, col), message_zh=zh)


_DUPLICATE_KEY: Final = re.compile(r'duplicate key ("(?:[^"\\]|\\.)*")')
#: jiter's syntax messages (without "at line L column C"), in Chinese
_JSON_ZH: Final = {
    "EOF while parsing a value": "文本在值的中途结束",
    "EOF while parsing a string": "文本在字符串的中途结束",
    "EOF while parsing an object": "文本在对象的中途结束",
    "EOF while parsing a list": "文本在列表的中途结束",
    "expected value": "此处应为一个值",
    "expected ident": "此处应为 true、false 或 null",
    "expected `,` or `}`": "此处应为“,”或“}”",
    "expected `,` or `]`": "此处应为“,”或“]”",
    "expected `:`": "此处应为“:”",
    "key must be a string": "键必须是字符串",
    "trailing characters": "值之后有多余的字符",
    "trailing comma": "多余的逗号",
    "invalid number": "无效的数字",
    "invalid escape": "无效的转义",
    "control character (\\u0000-\\u001F) found while parsing a string": "字符串中有控制字符",
}


def _bare(text: str) -> str:
    return _POSITION.sub("", text).strip()


def parse_yaml(
    data: bytes, *, filename: str = "", error: ErrorType = RongcuoError
) -> _yaml.Document:
    """One YAML document from ``data`` by the safe loader (:func:`rongcuo._yaml.load_yaml`)."""
    from . import _yaml

    return _yaml.load_yaml(data, filename=filename, error=error)


def fdopen_read(fd: int) -> IO[bytes]:
    """A buffered binary reader over a descriptor from :func:`open_regular` (closes it)."""
    return os.fdopen(fd, "rb")
