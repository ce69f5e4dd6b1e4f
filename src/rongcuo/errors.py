"""Errors as data.

Every problem rongcuo finds in its input is a :class:`Problem`: a stable ``code``, a
:class:`Location` (``file:line:col`` for text it parsed, a JSON path for a document) and a
message that says what was expected, what was found and, where it can, how to fix it.

Problems are collected, sorted by location and raised once, inside one exception of this tree::

    RongcuoError (ValueError)          anything rongcuo rejects; .problems holds them all
    ├── RulesError                     a ruleset that failed to load (never partly used)
    ├── FilingError                    a filing that is not a valid document
    ├── VerdictError                   a stored verdict that does not verify
    └── BackendUnavailableError        an optional dependency is not installed (also an ImportError)

Codes are stable: they are listed in :data:`CODES` and documented in ``docs/errors.md``; a test
keeps the two in step. Every code has an English meaning (:data:`CODES`) and a Chinese one
(:data:`CODES_ZH`); :meth:`Problem.render` and :meth:`RongcuoError.render` write a problem in
either language (``lang="zh"``: the Chinese meaning of the code, then the specific detail).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

__all__ = [
    "CODES",
    "CODES_ZH",
    "BackendUnavailableError",
    "FilingError",
    "Location",
    "Problem",
    "RongcuoError",
    "RulesError",
    "VerdictError",
    "escape_terminal",
    "hint_zh",
    "show",
]

#: Every error code rongcuo emits, with a one-line meaning.
CODES: Final[dict[str, str]] = {
    # reading text
    "io_error": "a file or stream could not be read or written",
    "not_regular_file": "a path that must be a regular file is a directory, FIFO, device or socket",
    "not_utf8": "the bytes are not valid UTF-8",
    "too_large": "the document is larger than the limit",
    "too_deep": "the document nests deeper than the limit",
    "yaml_syntax": "the text is not valid YAML",
    "yaml_tag": "a YAML tag other than the plain JSON-like types",
    "yaml_alias_limit": "too many YAML aliases, or an alias expands too far",
    "yaml_duplicate_key": "a mapping key appears twice",
    "yaml_complex_key": "a mapping key that is not a string (a number, null, alias or collection)",
    "yaml_multiple_documents": "more than one YAML document in one file",
    "json_syntax": "the text is not valid JSON",
    "json_duplicate_key": "a key appears twice in one JSON object",
    "option_invalid": "a command-line option whose value is malformed (--as-of, --rules)",
    # rule files
    "rules_missing_file": "a file the ruleset needs is missing",
    "rules_wrong_type": "a value in a rule file has the wrong type",
    "rules_unknown_key": "a key the rule language does not define",
    "rules_missing_key": "a required key is missing",
    "rules_bad_id": "a clause or element id is malformed or does not fit its list",
    "rules_duplicate_id": "a clause or element id is used twice",
    "rules_list_mismatch": "a clause is in the wrong list file",
    "rules_unknown_document": "a citation names a document the ruleset does not register",
    "rules_missing_citation": "a citation lacks a required part",
    "rules_phrase_not_in_text": "an element's quoted phrase does not occur in its clause text",
    "rules_empty_predicate": "an all/any with no operands, or a clause with no elements",
    "rules_bad_operator": "a test has no operator, several, or one the language does not know",
    "rules_unknown_fact": "a fact path that the filing model does not define",
    "rules_operator_type": "an operator that does not fit the fact's type",
    "rules_value_type": "a comparison value of the wrong type for the fact",
    "rules_enum_value": "a value outside the fact's enumeration",
    "rules_unbound_name": "a path starts with a name no quantifier binds there, or as: hides one",
    "rules_impossible_test": "a test no value of the fact can meet (a value of another family)",
    "rules_unknown_clause": "a reference to a clause that does not exist",
    "rules_bar_target": "a bar names a clause that is not a positive clause, or names one twice",
    "rules_unknown_element": "a combination names an element the clause does not define",
    "rules_cycle": "clause references that form a cycle",
    "rules_catch_all": "a catch-all clause that is not decided by a recorded determination",
    "rules_example": "a clause example that is malformed or does not behave as it says",
    "rules_metadata": "ruleset metadata that is missing or inconsistent",
    "rules_limit": "a ruleset larger than the limits",
    "rules_git_revision": "a git revision, or a rule file at it, that cannot be read",
    "rules_timeline": "a version timeline that is malformed, or has no version in force on a date",
    # facts declarations (facts.yaml, filing model v2)
    "facts_wrong_type": "a value in a facts declaration has the wrong YAML type",
    "facts_unknown_key": "a key the facts declaration format does not define",
    "facts_missing_key": "a required key of a facts declaration is missing or empty",
    "facts_version": "the declaration's format version (facts:) is missing or not supported",
    "facts_bad_id": (
        "an id that is not snake_case, is reserved, or a record name not CamelCase; "
        "or a determinations entry that is not a clause id"
    ),
    "facts_duplicate_id": "a family, value, group, fact or determinations id used twice",
    "facts_missing_title": "a title, question or na: that is missing or not a [zh, en] pair",
    "facts_bad_type": "a fact type that does not exist, or a key that does not fit the type",
    "facts_unknown_family": "a fact names a family that is not declared",
    "facts_unknown_value": "also: names a value that is not in the family",
    "facts_cycle": "broader values (nesting and also:) that form a cycle",
    # filings
    "filing_not_object": "a filing must be a JSON/YAML object",
    "filing_not_json": "a Python value JSON cannot hold: a cycle, a set, bytes, NaN, a non-str key",
    "filing_unknown_field": "a field the filing model does not define",
    "filing_wrong_type": "a value of the wrong type",
    "filing_invalid_value": "a value outside what the field allows",
    "filing_invalid_date": "a date that does not exist or is malformed",
    "filing_dates_out_of_order": "dates out of order: the conduct began after it ended",
    "filing_date_after_reference": "a date later than the evaluation's reference date",
    "filing_too_long": "a string or list longer than the limit",
    "filing_duplicate_value": "a set fact lists the same value twice",
    "filing_v1": "a filing in the shape of filing model v1, read by a v2 reader",
    "filing_model_mismatch": "a filing of another filing model than the ruleset's",
    "filing_set_conflict": "a set lists a value both yes and no (or rules out a whole coarse yes)",
    "filing_na_not_allowed": '"n/a" (not applicable) for a fact that always applies',
    # verdicts
    "verdict_malformed": "a stored verdict is not a valid verdict document",
    "verdict_receipt_mismatch": "a stored verdict's receipt does not match its contents",
    "verdict_mismatch": "re-evaluating the filing gives a different verdict",
    "verdict_ruleset_mismatch": "the verdict was made under a different ruleset",
    "verdict_receipt_kind": "a keyed receipt checked without the key, or an unkeyed one with a key",
    "receipt_key": "a receipt key that cannot be used (empty, or shorter than 16 bytes)",
    # screening
    "screen_resume_mismatch": "an output to resume was not made from this input, rules and options",
    "screen_output_is_input": "the output of screen is one of its input files",
    "screen_output_locked": "another screen run is writing the same output",
    # evaluation backends
    "durable_untranslatable": "a clause the durable-rules backend cannot express within its limits",
    "backend_unavailable": "an optional dependency (an extra, e.g. rongcuo[solver]) is missing",
    # coverage
    "coverage_case": "a coverage case that is malformed (not a mapping, no filing, unknown key)",
    # the HTTP service (rongcuo serve)
    "not_found": "nothing is served at the request's path, or no clause has the id it names",
    "method_not_allowed": "the path does not answer the request's HTTP method",
    "unsupported_media_type": "a request body that is not JSON (Content-Type application/json)",
    "request_invalid": "a request parameter that is malformed (?as_of=, ?trace=)",
    # forms (rongcuo schema --for forms; rongcuo.analysis.forms)
    "form_invalid": "form data not in the shape of the form schema (an object, a list expected)",
    "form_unavailable": "a form or interview asked of a v1 ruleset (it declares no facts)",
}


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where a problem is: a file position, a path into a document, or both."""

    file: str = ""
    line: int = 0
    col: int = 0
    path: tuple[str | int, ...] = ()

    def json_path(self) -> str:
        """The path as ``$.a.b[0]``; ``$`` for the document itself."""
        out = "$"
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            pos = self.file
            if self.line:
                pos += f":{self.line}:{self.col}"
            parts.append(pos)
        if self.path or not parts:
            parts.append(self.json_path())
        return ":".join(parts) if len(parts) == 1 else f"{parts[0]}: {parts[1]}"


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One coded problem with its location."""

    code: str
    message: str
    location: Location = Location()
    hint: str = ""
    #: the detail in Chinese, where the code's Chinese meaning and ``message`` are not enough
    message_zh: str = ""
    #: the hint in Chinese (else a did-you-mean hint is translated, any other shown as written)
    hint_zh: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error in rongcuo itself, not bad input
            raise ValueError(f"undocumented error code {self.code!r}")

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.col, str(loc.path), self.code, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def render(self, lang: str = "en") -> str:
        """The problem as one line: ``location: code: message`` in English (``str(problem)``);
        in Chinese (``lang="zh"``), the code's Chinese meaning, then the specific detail."""
        if lang != "zh":
            return str(self)
        detail = self.message_zh or self.message
        text = f"{self.location}: {self.code}: {CODES_ZH[self.code]}：{detail}"
        if self.hint:
            text += f"（{self.hint_zh or hint_zh(self.hint)}）"
        return text

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        """The problem as data, in the one shape of :func:`problem_data`."""
        return problem_data(self, lang)


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Sort and de-duplicate problems, as they are reported."""
    return tuple(sorted(set(problems), key=Problem.sort_key))


class RongcuoError(ValueError):
    """Anything rongcuo rejects. ``problems`` holds every problem found, sorted."""

    kind = "input"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = sorted_problems(problems)
        if not self.problems:
            raise ValueError("an error needs at least one problem")
        super().__init__(self._summary())

    def __reduce__(self) -> tuple[type[RongcuoError], tuple[tuple[Problem, ...]]]:
        # pickles as its problems (an answer of evaluate_many from a worker process)
        return (type(self), (self.problems,))

    def _summary(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.kind}"
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)

    def render(self, lang: str = "en") -> str:
        """A heading line (``3 problems in the filing:``) and one indented line a problem."""
        n = len(self.problems)
        if lang == "zh":
            head = f"{KINDS_ZH.get(self.kind, self.kind)}中有 {n} 个问题："
        else:
            head = f"{n} problem{'s' if n != 1 else ''} in the {self.kind}:"
        return head + "\n" + "\n".join(f"  {p.render(lang)}" for p in self.problems)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        """``{"error": kind, "problems": [...]}``, each problem in the shape of
        :func:`problem_data` (what ``--format json`` prints for invalid input)."""
        return {
            "error": self.kind,
            "problems": [problem_data(p, lang) for p in self.problems],
        }


class RulesError(RongcuoError):
    """A ruleset that failed to load. A ruleset with any problem is never used."""

    kind = "ruleset"


class FilingError(RongcuoError):
    """A filing that is not a valid document for the filing model."""

    kind = "filing"


class VerdictError(RongcuoError):
    """A stored verdict that does not verify against its filing and ruleset."""

    kind = "verdict"


class BackendUnavailableError(RongcuoError, ImportError):
    """An optional dependency that a feature needs is not installed (``backend_unavailable``).

    Also an :class:`ImportError`, so that ``import rongcuo.strategies`` without Hypothesis fails
    the way a missing module does, but with the code and the install hint."""

    kind = "installation"


def suggest(name: str, known: Iterable[str]) -> str:
    """A did-you-mean hint, or ``""``."""
    import difflib

    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else ""


# --------------------------------------------------------------------------- values in messages

#: characters a terminal may act on rather than show: C0 and C1 controls but newline and tab,
#: DEL, lone surrogates (unencodable), and the bidirectional overrides and isolates
_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_BIG_INT_BITS: Final = 200  # about 60 digits: larger ints are described, not written out


def _escaped(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_terminal(text: str) -> str:
    """``text`` with every character a terminal could act on written as an escape (``\\x1b``,
    ``\\ud800``, ``\\u202e``); newlines and tabs are kept. Used for all text the CLI prints."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def _digits(n: int) -> int:
    """The number of decimal digits of ``n`` (never through ``str``, which refuses huge ints)."""
    n = abs(n)
    if n < 10:
        return 1
    d = int((n.bit_length() - 1) * 0.30102999566398120) + 1  # a lower bound, or one too many
    if n >= 10**d:
        d += 1
    elif n < 10 ** (d - 1):
        d -= 1
    return d


def show(value: object, limit: int = 60) -> str:
    """A value of the input as a message quotes it: short, escaped, and never failing.

    Strings are quoted like ``repr`` (so control characters, lone surrogates and bidi
    overrides come out as escapes) and cut after ``limit`` characters with a marker saying how
    long they were; an int of more than about 60 digits is ``<int of N digits>`` (``str`` of an
    int over 4,300 digits raises); collections and other objects are described by their type
    and size, never by their own ``repr``.

    >>> show("a\\x1b[31mb")
    "'a\\\\x1b[31mb'"
    >>> show(10**5000)
    '<int of 5001 digits>'
    >>> show("x" * 100, limit=5)
    "'xxxxx'… (100 characters)"
    """
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > _BIG_INT_BITS:
            return f"<int of {_digits(value)} digits>"
        return escape_terminal(int.__repr__(value))
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, str | bytes):
        cut = value[:limit]
        text = escape_terminal(repr(cut) if isinstance(cut, str) else bytes.__repr__(cut))
        if len(value) > limit:
            unit = "characters" if isinstance(value, str) else "bytes"
            text += f"… ({len(value)} {unit})"
        return text
    if isinstance(value, dict | list | tuple | set | frozenset):
        kind = type(value).__name__
        return f"<{kind} of {len(value)} {'keys' if isinstance(value, dict) else 'items'}>"
    return f"<{type(value).__name__} object>"


#: The Chinese meaning of every code in :data:`CODES` (a test keeps the two in step).
CODES_ZH: Final[dict[str, str]] = {
    "io_error": "文件或数据流无法读取或写入",
    "not_regular_file": "该路径应是普通文件，却是目录、管道（FIFO）、设备或套接字",
    "not_utf8": "字节不是有效的 UTF-8 编码",
    "too_large": "文档超过大小限制",
    "too_deep": "文档嵌套层数超过限制",
    "yaml_syntax": "文本不是有效的 YAML",
    "yaml_tag": "使用了普通 JSON 类型以外的 YAML 标签",
    "yaml_alias_limit": "YAML 别名过多，或别名展开过大",
    "yaml_duplicate_key": "映射中的键重复出现",
    "yaml_complex_key": "映射的键不是字符串（数字、空值、别名或集合）",
    "yaml_multiple_documents": "一个文件中有多个 YAML 文档",
    "json_syntax": "文本不是有效的 JSON",
    "json_duplicate_key": "同一 JSON 对象中的键重复出现",
    "option_invalid": "命令行选项的值格式有误（--as-of、--rules、--key-file）",
    "rules_missing_file": "规则集缺少必需的文件",
    "rules_wrong_type": "规则文件中的值类型有误",
    "rules_unknown_key": "规则语言未定义的键",
    "rules_missing_key": "缺少必需的键",
    "rules_bad_id": "条款或要件编号格式有误，或与所在清单不符",
    "rules_duplicate_id": "条款或要件编号重复使用",
    "rules_list_mismatch": "条款放在了错误的清单文件中",
    "rules_unknown_document": "引用了规则集未登记的文件",
    "rules_missing_citation": "引用缺少必需的部分",
    "rules_phrase_not_in_text": "要件引用的原文短语不在条款正文中",
    "rules_empty_predicate": "all/any 没有操作数，或条款没有要件",
    "rules_bad_operator": "测试没有运算符、有多个运算符，或运算符不被规则语言支持",
    "rules_unknown_fact": "备案模型中没有这个事实路径",
    "rules_operator_type": "运算符与事实的类型不符",
    "rules_value_type": "比较值的类型与事实不符",
    "rules_enum_value": "值不在该事实的枚举范围内",
    "rules_unbound_name": "路径开头的名称在此处未由量词绑定，或 as: 遮蔽了已有名称",
    "rules_impossible_test": "该事实的任何取值都无法满足的测试（如取值属于另一值族）",
    "rules_unknown_clause": "引用了不存在的条款",
    "rules_bar_target": "排除条款指向的不是正面清单条款，或重复指向同一条款",
    "rules_unknown_element": "组合中引用了条款未定义的要件",
    "rules_cycle": "条款之间的引用形成循环",
    "rules_catch_all": "兜底条款不是由记录的认定结论决定的",
    "rules_example": "条款示例格式有误，或结果与其声明不符",
    "rules_metadata": "规则集元数据缺失或前后不一致",
    "rules_limit": "规则集超过规模限制",
    "rules_git_revision": "无法读取 git 版本或该版本中的规则文件",
    "rules_timeline": "版本时间线格式有误，或所问日期没有施行中的版本",
    "facts_wrong_type": "事实声明中的值的 YAML 类型有误",
    "facts_unknown_key": "事实声明格式未定义的键",
    "facts_missing_key": "事实声明缺少必需的键，或其值为空",
    "facts_version": "声明的格式版本（facts:）缺失或不受支持",
    "facts_bad_id": (
        "编号不是 snake_case、是保留字，或记录名不是 CamelCase；"
        "或 determinations 中的条目不是条款编号"
    ),
    "facts_duplicate_id": "类别、取值、分组、事实或认定条款的编号重复使用",
    "facts_missing_title": "标题、问题或 na: 缺失，或不是 [中文, 英文] 一对",
    "facts_bad_type": "事实类型不存在，或某个键与该类型不符",
    "facts_unknown_family": "事实引用了未声明的类别",
    "facts_unknown_value": "also: 引用了类别中没有的取值",
    "facts_cycle": "上位取值（嵌套与 also:）形成循环",
    "filing_not_object": "备案必须是 JSON/YAML 对象",
    "filing_not_json": "JSON 无法表示的 Python 值：循环引用、集合、字节、NaN 或非字符串键",
    "filing_unknown_field": "备案模型未定义的字段",
    "filing_wrong_type": "值的类型有误",
    "filing_invalid_value": "值超出该字段允许的范围",
    "filing_invalid_date": "日期不存在或格式有误",
    "filing_dates_out_of_order": "日期先后颠倒：行为开始于结束之后",
    "filing_date_after_reference": "日期晚于评估的基准日期",
    "filing_too_long": "字符串或列表超过长度限制",
    "filing_duplicate_value": "集合类事实重复列出同一个值",
    "filing_v1": "按 v1 备案模型填写的备案，由 v2 读取器读取",
    "filing_model_mismatch": "备案所属的备案模型与规则集的不同",
    "filing_set_conflict": "集合对同一个值既答是又答否（或排除了整个已答是的上位值）",
    "filing_na_not_allowed": '对始终适用的事实填写了 "n/a"（不适用）',
    "verdict_malformed": "存档结论不是有效的结论文档",
    "verdict_receipt_mismatch": "存档结论的回执与其内容不符",
    "verdict_mismatch": "重新评估备案得到的结论不同",
    "verdict_ruleset_mismatch": "该结论是在另一个规则集下作出的",
    "verdict_receipt_kind": "带密钥的回执未用密钥核验，或无密钥的回执用了密钥核验",
    "receipt_key": "回执密钥不可用（为空，或短于 16 字节）",
    "screen_resume_mismatch": "要续写的输出不是由本输入、本规则集和本选项产生的",
    "screen_output_is_input": "screen 的输出文件就是它的某个输入文件",
    "screen_output_locked": "另一个 screen 进程正在写同一个输出文件",
    "durable_untranslatable": "durable-rules 后端在其限制内无法表达的条款",
    "backend_unavailable": "未安装所需的可选依赖",
    "coverage_case": "覆盖率用例格式有误（不是映射、没有备案或有未知的键）",
    "not_found": "该路径下没有服务，或没有该编号的条款",
    "method_not_allowed": "该路径不接受此 HTTP 请求方法",
    "unsupported_media_type": "请求内容不是 JSON（Content-Type 应为 application/json）",
    "request_invalid": "请求参数格式有误（?as_of=、?trace=）",
    "form_invalid": "表单数据的结构与表单模式不符",
    "form_unavailable": "第一版备案模型的规则集未声明事实，无法生成表单或问询",
}

#: What an error's ``kind`` is called in Chinese.
KINDS_ZH: Final[dict[str, str]] = {
    "input": "输入",
    "ruleset": "规则集",
    "filing": "备案",
    "verdict": "存档结论",
    "installation": "安装环境",
    "cases": "用例",
    "request": "请求",
}


def require(module: str, *, package: str, feature: str, feature_zh: str, extra: str) -> Any:
    """Import the optional dependency ``module`` (distribution ``package``), or raise
    :class:`BackendUnavailableError` naming ``feature`` and the extra that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise backend_unavailable(
            package, feature=feature, feature_zh=feature_zh, extra=extra
        ) from None


def backend_unavailable(
    package: str, *, feature: str, feature_zh: str, extra: str
) -> BackendUnavailableError:
    """The coded error for a missing optional dependency: ``backend_unavailable`` with the
    install hint ``pip install 'rongcuo[extra]'``."""
    return BackendUnavailableError(
        [
            Problem(
                "backend_unavailable",
                f"{package} is not installed, and {feature} cannot run without it",
                hint=f"pip install 'rongcuo[{extra}]'",
                message_zh=f"未安装 {package}，{feature_zh}无法运行",
            )
        ]
    )


_DID_YOU_MEAN = re.compile(r"^did you mean (.+)\?$")


def hint_zh(hint: str) -> str:
    """A did-you-mean hint in Chinese (any other hint as written)."""
    m = _DID_YOU_MEAN.match(hint)
    return f"是否应为 {m.group(1)}？" if m else hint


# --------------------------------------------------------------------------- the one error shape


def problem_data(problem: Problem, lang: str = "en") -> dict[str, object]:
    """One problem as data: the one shape of an error in the HTTP API (``errors`` of a
    problem+json document), ``--format json`` output and ``screen`` records::

        {"code": "filing_duplicate_value",
         "location": {"file": "f.yaml", "line": 3, "col": 7, "path": "$.matter.causes[1]"},
         "message": "…", "hint": "…", "message_en": "…"}

    ``location`` always has ``path`` (``$`` for the document itself), and ``file``, ``line`` and
    ``col`` when known. ``message`` (and ``hint``, when there is one) are in ``lang``: in
    Chinese, the code's Chinese meaning and then the detail. The other language's message is
    kept beside it, as ``message_en`` or ``message_zh``.

    >>> problem_data(Problem("filing_unknown_field", "no field 'x'", Location(path=("x",))))
    {'code': 'filing_unknown_field', 'location': {'path': '$.x'}, 'message': "no field 'x'", \
'message_zh': "备案模型未定义的字段：no field 'x'"}
    """
    loc = problem.location
    location: dict[str, object] = {}
    if loc.file:
        location["file"] = loc.file
    if loc.line:
        location["line"] = loc.line
    if loc.col:
        location["col"] = loc.col
    location["path"] = loc.json_path()
    zh = f"{CODES_ZH[problem.code]}：{problem.message_zh or problem.message}"
    out: dict[str, object] = {"code": problem.code, "location": location}
    if lang == "zh":
        out["message"] = zh
        if problem.hint:
            out["hint"] = problem.hint_zh or hint_zh(problem.hint)
        out["message_en"] = problem.message
    else:
        out["message"] = problem.message
        if problem.hint:
            out["hint"] = problem.hint
        out["message_zh"] = zh
    return out


#: The title of a problem document for each kind of error, in Chinese and English.
TITLES: Final[dict[str, tuple[str, str]]] = {
    "input": ("输入无效", "The input is not valid"),
    "filing": ("备案无效", "The filing is not valid"),
    "ruleset": ("规则集无效", "The ruleset is not valid"),
    "verdict": ("存档结论未通过核验", "The stored verdict does not verify"),
    "installation": ("缺少可选依赖", "An optional dependency is not installed"),
    "request": ("请求无效", "The request is not valid"),
}

#: The ``type`` URI of a problem document for an error of rongcuo's (RFC 9457 §3.1.1); the
#: error's kind is appended (``…/filing``). Documented in docs/service.md.
PROBLEM_TYPE: Final = "https://rongcuo.invalid/problems/"


def problem_document(
    error: RongcuoError,
    *,
    status: int,
    lang: str = "en",
    instance: str = "",
    detail: str = "",
) -> dict[str, object]:
    """An RFC 9457 problem details document (``application/problem+json``) for ``error``:
    ``type``, ``title``, ``status``, ``detail``, ``instance``, and ``errors``, each problem in
    the shape of :func:`problem_data`.

    >>> doc = problem_document(FilingError([Problem("filing_not_object", "got list")]), status=422)
    >>> doc["type"], doc["title"], [e["code"] for e in doc["errors"]]
    ('https://rongcuo.invalid/problems/filing', 'The filing is not valid', ['filing_not_object'])
    """
    zh, en = TITLES.get(error.kind, TITLES["input"])
    n = len(error.problems)
    if not detail:
        plural = "s" if n != 1 else ""
        detail = f"{n} 个问题" if lang == "zh" else f"{n} problem{plural} in the {error.kind}"
        first = problem_data(error.problems[0], lang)
        detail += f"{'：' if lang == 'zh' else ': '}{first['message']}"
        if n > 1:
            detail += "……" if lang == "zh" else " …"
    doc: dict[str, object] = {
        "type": PROBLEM_TYPE + error.kind,
        "title": zh if lang == "zh" else en,
        "status": status,
        "detail": detail,
    }
    if instance:
        doc["instance"] = instance
    doc["errors"] = [problem_data(p, lang) for p in error.problems]
    return doc
