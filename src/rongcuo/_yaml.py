"""Safe YAML loading that keeps source positions.

:func:`load_yaml` reads exactly one YAML document into plain Python values
(``dict[str, Any]``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``,
``datetime.date``, ``datetime.datetime``) and records the ``(line, col)`` of every value and
of every mapping key, so that later checks can point at the text.

Safety properties:

* **No code execution, no custom types.** Only PyYAML's reader, scanner and parser are used,
  through a private loader class; nodes are built from the event stream by this module, never
  by a PyYAML constructor. Every explicit tag other than the plain standard ones (``!!str``,
  ``!!int``, ``!!float``, ``!!bool``, ``!!null``, ``!!seq``, ``!!map``, ``!!timestamp``) is
  rejected (``yaml_tag``), as are merge keys (``<<``). No PyYAML class is modified.
* **YAML 1.2 core scalars.** ``true``/``false`` (and their ``True``/``TRUE`` spellings) are
  booleans; ``yes``/``no``/``on``/``off``/``y``/``n`` stay strings (no "Norway problem");
  ``null``/``~``/empty are ``None``; decimal, ``0o`` and ``0x`` integers; decimal floats and
  ``.inf``/``.nan``; ``YYYY-MM-DD`` is a ``datetime.date`` and an ISO date-time a
  ``datetime.datetime`` (naive, or aware when it carries ``Z`` or an offset). A plain scalar
  that looks like a date but does not exist (``2023-02-30``) is an error, not a string.
* **Strict mappings.** Keys must be strings; duplicate keys are reported (every one of them).
* **Bounded work.** Input size is checked before decoding; nesting depth, alias count, scalar
  length and the number of nodes after alias expansion are bounded (:class:`Limits`). The
  document is built iteratively from the event stream, so no input can exhaust the Python
  stack; a "billion laughs" document fails as soon as its expansion passes the node limit.
* **Aliases are copied.** An alias yields a fresh deep copy of its anchor's value, so the
  result is always a tree (no shared or cyclic objects). Positions are recorded for the alias
  itself; paths inside an alias fall back to it in :meth:`Document.loc`. An alias to an anchor
  that is not complete yet (a recursive structure) is an error.
* **Errors are data.** Any problem is raised as the caller's :class:`~rongcuo.errors.RongcuoError`
  subclass, holding every problem that could be found, each with a stable code and a
  ``file:line:col`` location (1-based) and path. Nothing else escapes.

The pure-Python parser is used even where libyaml is available, so that positions and
messages are the same on every installation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, cast

import yaml
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import Location, Problem, RongcuoError

__all__ = ["DEFAULT_LIMITS", "Document", "Limits", "load_yaml"]

Path = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Limits:
    """Bounds on what one YAML document may cost to read."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64  # nesting of sequences/mappings (after alias expansion)
    max_aliases: int = 64  # alias events in one document
    max_nodes: int = 200_000  # nodes (keys included) after alias expansion
    max_scalar_chars: int = 100_000


DEFAULT_LIMITS: Final = Limits()


@dataclasses.dataclass(frozen=True)
class Document:
    """One parsed YAML document with the source position of every node."""

    value: Any
    filename: str
    #: path of every node -> (line, col), 1-based, of the value node
    positions: Mapping[Path, tuple[int, int]]
    #: path of every mapping entry -> (line, col), 1-based, of its key
    key_positions: Mapping[Path, tuple[int, int]]

    def loc(self, path: Sequence[str | int], *, key: bool = False) -> Location:
        """``Location(file, line, col, path)`` of the node at ``path`` (or of its key).

        Falls back to the nearest ancestor that has a position (for instance inside an
        alias, or for a path that does not exist); line and col are 0 if none has.
        """
        full = tuple(path)
        pos = self.key_positions.get(full) if key else None
        probe = full
        while pos is None:
            pos = self.positions.get(probe)
            if not probe:
                break
            probe = probe[:-1]
        line, col = pos if pos is not None else (0, 0)
        return Location(self.filename, line, col, full)


# --------------------------------------------------------------------------- scalar resolution

_TAG_PREFIX: Final = "tag:yaml.org,2002:"
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_STR: Final = _TAG_PREFIX + "str"
_INT: Final = _TAG_PREFIX + "int"
_FLOAT: Final = _TAG_PREFIX + "float"
_BOOL: Final = _TAG_PREFIX + "bool"
_NULL: Final = _TAG_PREFIX + "null"
_SEQ: Final = _TAG_PREFIX + "seq"
_MAP: Final = _TAG_PREFIX + "map"
_TIMESTAMP: Final = _TAG_PREFIX + "timestamp"
_SCALAR_TAGS: Final = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP})

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus timestamps.
# [0-9] rather than \d: \d also matches non-ASCII digits.
_NULL_RE: Final = re.compile(r"~|null|Null|NULL|")
_BOOL_RE: Final = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT_RE: Final = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE: Final = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:\.inf|\.Inf|\.INF)"
    r"|\.nan|\.NaN|\.NAN"
)
_TIMESTAMP_RE: Final = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?)?"
    r"(?:[ \t]*(?P<tz>[Zz]|(?P<sign>[-+])(?P<tzh>[0-9]{1,2})(?::?(?P<tzm>[0-9]{2}))?))?)?"
)


def _resolver_table() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """The implicit resolvers of :class:`_Loader`: first character -> [(tag, regexp)]."""
    # PyYAML's resolver uses ``regexp.match``, so each pattern is anchored at the end here.
    entries: list[tuple[str, re.Pattern[str], str]] = [
        (_NULL, _NULL_RE, "~nN"),
        (_BOOL, _BOOL_RE, "tTfF"),
        (_INT, _INT_RE, "-+0123456789"),
        (_FLOAT, _FLOAT_RE, "-+.0123456789"),
        (_TIMESTAMP, _TIMESTAMP_RE, "0123456789"),
    ]
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {"": [(_NULL, _NULL_RE)]}
    for tag, regexp, first in entries:
        anchored = re.compile(f"(?:{regexp.pattern})\\Z")
        for ch in first:
            table.setdefault(ch, []).append((tag, anchored))
    return table


class _Loader(Reader, Scanner, Parser, BaseResolver):
    """PyYAML's pure-Python reader, scanner and parser with a YAML 1.2 core resolver.

    Only the event stream is used; there is no composer and no constructor. The resolver
    table is this class's own (no PyYAML class is modified) and there are no path resolvers.
    """

    yaml_implicit_resolvers: dict[Any, Any] = _resolver_table()
    yaml_path_resolvers: dict[Any, Any] = {}  # noqa: RUF012

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        BaseResolver.__init__(self)

    def resolve_plain(self, value: str) -> str:
        resolve = cast("Callable[[type[ScalarNode], str, tuple[bool, bool]], object]", self.resolve)
        tag = resolve(ScalarNode, value, (True, False))
        return tag if isinstance(tag, str) else _STR


class _Invalid(Exception):
    """A scalar that does not fit its (explicit or resolved) tag; ``zh``: the reason in Chinese."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


def _construct(tag: str, value: str) -> Any:
    """The Python value of a scalar with one of the standard tags; raises :class:`_Invalid`."""
    if tag == _STR:
        return value
    if tag == _NULL:
        if _NULL_RE.fullmatch(value):
            return None
        raise _Invalid(f"not a valid null: {_show(value)}", f"不是有效的 null：{_show(value)}")
    if tag == _BOOL:
        if _BOOL_RE.fullmatch(value):
            return value.lower() == "true"
        raise _Invalid(f"not a valid boolean: {_show(value)}", f"不是有效的布尔值：{_show(value)}")
    if tag == _INT:
        return _construct_int(value)
    if tag == _FLOAT:
        return _construct_float(value)
    return _construct_timestamp(value)


def _construct_int(value: str) -> int:
    if not _INT_RE.fullmatch(value):
        raise _Invalid(f"not a valid integer: {_show(value)}", f"不是有效的整数：{_show(value)}")
    try:
        if value.startswith("0x"):
            return int(value[2:], 16)
        if value.startswith("0o"):
            return int(value[2:], 8)
        return int(value, 10)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _Invalid(
            f"integer with {len(value)} digits is too long", f"整数有 {len(value)} 位，过长"
        ) from None


def _construct_float(value: str) -> float:
    if _FLOAT_RE.fullmatch(value) is None and not re.fullmatch(r"[-+]?[0-9]+", value):
        raise _Invalid(f"not a valid float: {_show(value)}", f"不是有效的浮点数：{_show(value)}")
    lowered = value.lower()
    if lowered == ".nan":
        return math.nan
    if lowered.lstrip("+-") == ".inf":
        return -math.inf if value.startswith("-") else math.inf
    return float(value)


def _construct_timestamp(value: str) -> dt.date | dt.datetime:
    m = _TIMESTAMP_RE.fullmatch(value)
    if m is None:
        raise _Invalid(
            f"not a valid timestamp: {_show(value)}", f"不是有效的时间戳：{_show(value)}"
        )
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if m["hour"] is None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise _Invalid(f"not a valid date: {value}", f"不是存在的日期：{value}") from None
    fraction = (m["fraction"] or "")[:6].ljust(6, "0")
    tz: dt.tzinfo | None = None
    try:
        if m["tz"] in ("Z", "z"):
            tz = dt.UTC
        elif m["tz"]:
            offset = dt.timedelta(hours=int(m["tzh"]), minutes=int(m["tzm"] or 0))
            tz = dt.timezone(-offset if m["sign"] == "-" else offset)
        return dt.datetime(
            year,
            month,
            day,
            int(m["hour"]),
            int(m["minute"]),
            int(m["second"] or 0),
            int(fraction),
            tzinfo=tz,
        )
    except ValueError:
        raise _Invalid(f"not a valid datetime: {value}", f"不是有效的日期时间：{value}") from None


def _show(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


#: the names of node and value kinds in messages, in Chinese
_KIND_ZH: Final = {
    "sequence": "序列",
    "mapping": "映射",
    "scalar": "标量",
    "null": "null（空值）",
    "a boolean": "布尔值",
    "an integer": "整数",
    "a float": "浮点数",
    "a date": "日期",
    "a datetime": "日期时间",
}

_TYPE_NAMES: Final = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    dt.date: "a date",
    dt.datetime: "a datetime",
}


# --------------------------------------------------------------------------- text


_BREAK: Final = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counted as PyYAML's reader counts them."""
    prefix = text[:index]
    line = 1
    start = 0
    for m in _BREAK.finditer(prefix):
        line += 1
        start = m.end()
    tail = prefix[start:]
    return line, len(tail) - tail.count("\ufeff") + 1


def _decode(data: bytes | str, filename: str, limits: Limits) -> str | Problem:
    """The text of ``data`` without a leading BOM, or the problem that prevents reading it."""
    if isinstance(data, str):
        # every character is at least one byte: a long text is too large without encoding it
        too_long = len(data) > limits.max_bytes
        size = len(data) if too_long else len(data.encode("utf-8", "surrogatepass"))
    elif isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        size = len(data)
    else:
        raise TypeError(f"load_yaml reads bytes or str, not {type(data).__name__}")
    if size > limits.max_bytes:
        return Problem(
            "too_large",
            f"{size} bytes; a YAML document may hold at most {limits.max_bytes}",
            Location(filename),
            message_zh=f"{size} 字节；YAML 文档最多 {limits.max_bytes} 字节",
        )
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    raw = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        valid = raw[: exc.start].decode("utf-8")
        line, col = _line_col(valid, len(valid))
        return Problem(
            "not_utf8",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x} (byte offset {exc.start})",
            Location(filename, line, col),
            hint="save the file as UTF-8",
            message_zh=f"无效的 UTF-8 字节 0x{raw[exc.start]:02x}（字节偏移 {exc.start}）",
            hint_zh="请将文件存为 UTF-8 编码",
        )


# --------------------------------------------------------------------------- building


class _Fatal(Exception):
    """Stop reading: a problem after which nothing more can be found."""


@dataclasses.dataclass(slots=True)
class _Frame:
    """An open sequence or mapping."""

    value: list[Any] | dict[str, Any]
    path: Path  # logical path (also for discarded nodes, for problem locations)
    real: bool  # attached to the result: positions are recorded
    is_key: bool  # this collection is (illegally) a mapping key
    anchor: str | None
    mark: tuple[int, int]
    nodes: int = 1  # nodes in this subtree after alias expansion
    height: int = 1  # nesting levels in this subtree after alias expansion
    # mappings only
    has_key: bool = False  # a key was read and its value is awaited
    key: str = ""
    key_ok: bool = False  # the awaited value is stored under ``key``
    first: dict[str, int] = dataclasses.field(default_factory=dict)  # key -> line


@dataclasses.dataclass(slots=True)
class _Anchor:
    value: Any
    nodes: int
    height: int
    line: int


class _Builder:
    def __init__(self, text: str, filename: str, limits: Limits) -> None:
        self.text = text
        self.filename = filename
        self.limits = limits
        self.problems: list[Problem] = []
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.aliases = 0
        self.total_nodes = 0
        self.root: Any = None
        self.loader: _Loader | None = None

    # -- problems

    def problem(
        self, code: str, message: str, mark: tuple[int, int], path: Path, zh: str = ""
    ) -> None:
        where = Location(self.filename, *mark, path)
        self.problems.append(Problem(code, message, where, message_zh=zh))

    def fatal(
        self, code: str, message: str, mark: tuple[int, int], path: Path, zh: str = ""
    ) -> _Fatal:
        self.problem(code, message, mark, path, zh)
        return _Fatal()

    def here(self) -> Path:
        return self.stack[-1].path if self.stack else ()

    # -- the event loop

    def run(self) -> None:
        try:
            self._run()
        except _Fatal:
            pass
        except ReaderError as exc:
            self._reader_error(exc)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
            message = exc.problem or exc.context or "invalid YAML"
            if exc.problem and exc.context:
                message += f", {exc.context}"
                if exc.context_mark is not None:
                    message += f" starting at line {exc.context_mark.line + 1}"
            self.problem("yaml_syntax", message, pos, self.here(), f"YAML 解析器报告：{message}")
        except (yaml.YAMLError, RecursionError, ValueError, LookupError, TypeError) as exc:
            # defence in depth: PyYAML's parser is not expected to raise these
            self.problem(
                "yaml_syntax",
                f"the YAML parser failed: {exc}",
                (0, 0),
                self.here(),
                f"YAML 解析器出错：{exc}",
            )
        finally:
            if self.loader is not None:
                self.loader.dispose()

    def _reader_error(self, exc: ReaderError) -> None:
        position = exc.position if isinstance(exc.position, int) else 0
        line, col = _line_col(self.text, position)
        char = exc.character  # the code point (an int) for text input
        if isinstance(char, str) and len(char) == 1:
            char = ord(char)
        what = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        self.problem(
            "yaml_syntax",
            f"the character {what} is not allowed in YAML ({exc.reason})",
            (line, col),
            (),
            f"YAML 中不允许出现字符 {what}（{exc.reason}）",
        )

    def _run(self) -> None:
        self.loader = loader = _Loader(self.text)
        documents = 0
        get_event = cast("Callable[[], Event]", loader.get_event)
        while loader.check_event():
            event = get_event()
            mark = _mark(event.start_mark)
            if isinstance(event, StreamStartEvent | StreamEndEvent | DocumentEndEvent):
                continue
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fatal(
                        "yaml_multiple_documents",
                        "a second YAML document starts here; a file holds exactly one",
                        mark,
                        (),
                        "此处开始了第二个 YAML 文档；一个文件只能有一个文档",
                    )
            elif isinstance(event, ScalarEvent):
                self._scalar(event, mark, loader)
            elif isinstance(event, AliasEvent):
                self._alias(event, mark)
            elif isinstance(event, SequenceStartEvent | MappingStartEvent):
                self._start(event, mark)
            elif isinstance(event, CollectionEndEvent):
                self._end()

    # -- nodes

    def _slot(self) -> tuple[Path, bool, bool]:
        """Where the next node goes: (path, real, is_key)."""
        if not self.stack:
            return (), True, False
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value)), top.real, False
        if not top.has_key:
            return top.path, False, True
        if not top.key_ok and not top.key:  # the key itself was bad: locate at the mapping
            return top.path, False, False
        return (*top.path, top.key), top.real and top.key_ok, False

    def _count(self, nodes: int, mark: tuple[int, int], path: Path) -> None:
        self.total_nodes += nodes
        if self.total_nodes > self.limits.max_nodes:
            n = self.limits.max_nodes
            if self.aliases:
                code, what = "yaml_alias_limit", "with its aliases expanded, the document has"
                zh = f"展开别名后，文档的节点超过 {n} 个"
            else:
                code, what, zh = "too_large", "the document has", f"文档的节点超过 {n} 个"
            raise self.fatal(code, f"{what} more than {n} nodes", mark, path, zh)

    def _check_tag(
        self, tag: str | None, kind: str, allowed: frozenset[str], mark: tuple[int, int], path: Path
    ) -> bool:
        """Whether an explicit ``tag`` is acceptable on a node of ``kind``."""
        if tag is None:
            return True
        if tag in allowed:
            return True
        if tag in _SCALAR_TAGS or tag in (_SEQ, _MAP):
            message = f"the tag {_short_tag(tag)} cannot be used on a {kind}"
            zh = f"标签 {_short_tag(tag)} 不能用于{_KIND_ZH.get(kind, kind)}"
        else:
            message = (
                f"the tag {_short_tag(tag)} is not allowed; only plain strings, numbers, "
                "booleans, null, dates, lists and mappings are"
            )
            zh = (
                f"不允许使用标签 {_short_tag(tag)}；只允许普通字符串、数字、布尔值、null、日期、"
                "列表和映射"
            )
        self.problem("yaml_tag", message, mark, path, zh)
        return False

    def _scalar(self, event: ScalarEvent, mark: tuple[int, int], loader: _Loader) -> None:
        path, real, is_key = self._slot()
        self._count(1, mark, path)
        if len(event.value) > self.limits.max_scalar_chars:
            raise self.fatal(
                "too_large",
                f"a scalar of {len(event.value)} characters; "
                f"at most {self.limits.max_scalar_chars} are allowed",
                mark,
                path,
                f"标量有 {len(event.value)} 个字符；最多允许 {self.limits.max_scalar_chars} 个",
            )
        value: Any = None
        ok = self._check_tag(event.tag, "scalar", _SCALAR_TAGS, mark, path)
        lone = _SURROGATE.search(event.value)
        if lone is not None:  # "\ud83d\ude00": a pair of escapes is the one character it encodes
            try:
                event.value = event.value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
                lone = None
            except UnicodeDecodeError:
                pass
        if ok and lone is not None:  # "\ud800" in a quoted scalar: no UTF-8 text holds it
            ok = False
            self.problem(
                "not_utf8",
                f"the escape \\u{ord(lone.group()):04x} is a lone surrogate, which no UTF-8 "
                "text can hold",
                mark,
                path,
                f"转义 \\u{ord(lone.group()):04x} 是孤立的代理码点，UTF-8 文本无法容纳",
            )
        if ok:
            if event.tag is not None:
                tag = event.tag
            elif event.implicit[0]:
                tag = loader.resolve_plain(event.value)
            else:
                tag = _STR
            try:
                value = _construct(tag, event.value)
            except _Invalid as exc:
                ok = False
                self.problem("yaml_syntax", str(exc), mark, path, exc.zh)
        if is_key:
            plain_merge = event.tag is None and event.implicit[0] and event.value == "<<"
            self._key(event.value if plain_merge else value, mark, ok, merge=plain_merge)
        else:
            if real:
                self.positions[path] = mark
            self._deliver(value, nodes=1, height=0)
        if event.anchor is not None:
            self._anchor(event.anchor, value, 1, 0, mark, path)

    def _alias(self, event: AliasEvent, mark: tuple[int, int]) -> None:
        path, real, is_key = self._slot()
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            raise self.fatal(
                "yaml_alias_limit",
                f"more than {self.limits.max_aliases} aliases in one document",
                mark,
                path,
                f"一个文档中的别名超过 {self.limits.max_aliases} 个",
            )
        name = event.anchor or ""
        anchor = self.anchors.get(name)
        if anchor is None:
            self._count(1, mark, path)
            self.problem(
                "yaml_syntax",
                f"the alias *{name} refers to no anchor defined (and complete) before it",
                mark,
                path,
                f"别名 *{name} 之前没有定义（且完整的）同名锚点",
            )
            value: Any = None
            nodes, height = 1, 0
        else:
            self._count(anchor.nodes, mark, path)
            if len(self.stack) + anchor.height > self.limits.max_depth:
                raise self.fatal(
                    "too_deep",
                    f"with the alias *{name} expanded, the document nests more than "
                    f"{self.limits.max_depth} levels deep",
                    mark,
                    path,
                    f"展开别名 *{name} 后，文档嵌套超过 {self.limits.max_depth} 层",
                )
            value = _copy(anchor.value)
            nodes, height = anchor.nodes, anchor.height
        if is_key:
            self.problem(
                "yaml_complex_key",
                "an alias cannot be a mapping key; write the key as a plain string",
                mark,
                path,
                "别名不能作为映射的键；请把键写成普通字符串",
            )
            self._key(None, mark, False)
        else:
            if real:
                self.positions[path] = mark
            self._deliver(value, nodes=nodes, height=height)

    def _start(self, event: SequenceStartEvent | MappingStartEvent, mark: tuple[int, int]) -> None:
        path, real, is_key = self._slot()
        self._count(1, mark, path)
        if len(self.stack) + 1 > self.limits.max_depth:
            raise self.fatal(
                "too_deep",
                f"the document nests more than {self.limits.max_depth} levels deep",
                mark,
                path,
                f"文档嵌套超过 {self.limits.max_depth} 层",
            )
        is_seq = isinstance(event, SequenceStartEvent)
        kind, own = ("sequence", _SEQ) if is_seq else ("mapping", _MAP)
        self._check_tag(event.tag, kind, frozenset({own}), mark, path)
        if is_key:
            self.problem(
                "yaml_complex_key",
                f"a {kind} cannot be a mapping key; keys must be plain strings",
                mark,
                path,
                f"{_KIND_ZH.get(kind, kind)}不能作为映射的键；键必须是普通字符串",
            )
        elif real:
            self.positions[path] = mark
        container: list[Any] | dict[str, Any] = [] if is_seq else {}
        self.stack.append(_Frame(container, path, real, is_key, event.anchor, mark))

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.is_key:
            self._key(None, frame.mark, False)
        else:
            self._deliver(frame.value, nodes=frame.nodes, height=frame.height)
        if frame.anchor is not None:
            self._anchor(
                frame.anchor, frame.value, frame.nodes, frame.height, frame.mark, frame.path
            )

    def _anchor(
        self, name: str, value: Any, nodes: int, height: int, mark: tuple[int, int], path: Path
    ) -> None:
        previous = self.anchors.get(name)
        if previous is not None:
            self.problem(
                "yaml_syntax",
                f"the anchor &{name} is defined twice (first at line {previous.line})",
                mark,
                path,
                f"锚点 &{name} 定义了两次（首次在第 {previous.line} 行）",
            )
        self.anchors[name] = _Anchor(value, nodes, height, mark[0])

    def _key(self, key: Any, mark: tuple[int, int], ok: bool, *, merge: bool = False) -> None:
        """A mapping key was read (``ok`` if it is a well-formed scalar of value ``key``)."""
        top = self.stack[-1]
        top.has_key = True
        top.nodes += 1
        top.key = ""
        top.key_ok = False
        if merge:
            self.problem(
                "yaml_tag",
                "merge keys (<<) are not supported; write the entries out in full",
                mark,
                top.path,
                "不支持合并键（<<）；请把各项完整写出",
            )
            return
        if not ok:
            return
        if not isinstance(key, str):
            kind = _TYPE_NAMES.get(type(key), type(key).__name__)
            self.problem(
                "yaml_complex_key",
                f"the key {key!r} is {kind}, not a string; put it in quotes",
                mark,
                top.path,
                f"键 {key!r} 是{_KIND_ZH.get(kind, kind)}，不是字符串；请加上引号",
            )
            return
        path = (*top.path, key)
        first = top.first.get(key)
        if first is not None:
            self.problem(
                "yaml_duplicate_key",
                f"duplicate key {key!r} (first at line {first})",
                mark,
                path,
                f"重复的键 {key!r}（首次在第 {first} 行）",
            )
            top.key = key  # problems in the repeated value are located under it (not stored)
            return
        top.first[key] = mark[0]
        top.key = key
        top.key_ok = True
        if top.real:
            self.key_positions[path] = mark

    def _deliver(self, value: Any, *, nodes: int, height: int) -> None:
        """A complete node that is not a key goes into its parent (or becomes the root)."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.nodes += nodes
        top.height = max(top.height, height + 1)
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if top.key_ok:
            top.value[top.key] = value
        top.has_key = False
        top.key_ok = False


def _mark(mark: Any) -> tuple[int, int]:
    if isinstance(mark, Mark):
        return mark.line + 1, mark.column + 1
    return 0, 0


def _copy(value: Any) -> Any:
    """A deep copy of a built value, without recursion."""
    if not isinstance(value, list | dict):
        return value
    top: list[Any] | dict[str, Any] = [] if isinstance(value, list) else {}
    todo: list[tuple[list[Any] | dict[str, Any], list[Any] | dict[str, Any]]] = [(value, top)]
    while todo:
        source, target = todo.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for k, v in items:
            item: Any = v
            if isinstance(v, list | dict):
                item = [] if isinstance(v, list) else {}
                todo.append((v, item))
            if isinstance(target, dict):
                target[str(k)] = item
            else:
                target.append(item)
    return top


# --------------------------------------------------------------------------- entry point


def load_yaml(
    data: bytes | str,
    *,
    filename: str = "",
    limits: Limits = DEFAULT_LIMITS,
    error: type[RongcuoError] = RongcuoError,
) -> Document:
    """Parse one YAML document (``None`` if the text holds none).

    Bytes must be UTF-8 (a leading BOM is dropped). On any problem, raises ``error`` with
    every problem found, each coded (:data:`~rongcuo.errors.CODES`) and located by file,
    1-based line and column, and path.
    """
    decoded = _decode(data, filename, limits)
    if isinstance(decoded, Problem):
        raise error([decoded])
    builder = _Builder(decoded, filename, limits)
    builder.run()
    if builder.problems:
        raise error(builder.problems)
    return Document(
        value=builder.root,
        filename=filename,
        positions=types.MappingProxyType(builder.positions),
        key_positions=types.MappingProxyType(builder.key_positions),
    )
