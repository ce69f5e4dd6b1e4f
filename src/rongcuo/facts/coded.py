"""The checks and codes of a v2 filing document, shared by the reader and the model itself.

:func:`rongcuo.facts.parse.parse_filing_v2` reads text and runs :func:`validate_document`; the
generated model's own wrap validator (:func:`validate_coded`, written on every ``Filing`` by
:mod:`rongcuo.facts.generate`) runs the same checks however the model is called (a FastAPI body
typed as ``rongcuo.Filing`` included), so each error's ``type`` is a rongcuo code. This module
imports no model: each function takes the model it checks with (no import cycle with the
generated module).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import pydantic
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import FilingError, Location, Problem, show, suggest
from .fields import RecordsOf
from .limits import MAX_LIST_ITEMS, not_object

if TYPE_CHECKING:  # a YAML document's positions, when the filing was YAML
    from .. import _yaml

__all__ = ["V1_KEYS", "validate_coded", "validate_document"]

Path = tuple[str | int, ...]
_F = typing.TypeVar("_F", bound=pydantic.BaseModel)

#: Keys of filing model v1 that v2 does not have, each with what replaced it (English, Chinese).
V1_KEYS: Final[Mapping[str, tuple[str, str]]] = {
    "subject.has_enforcement_power": (
        "subject.enforcement_power (enforcement power over this problem, not in general)",
        "subject.enforcement_power（对本问题是否负有执法权，而非一般意义上的执法权）",
    ),
    "conduct.misconduct": (
        "each act's kind (acts[].kind, e.g. falsification, taking_and_demanding), and "
        "acts[].defied_known_ban, acts[].under_reform_banner",
        "各行为的类别（acts[].kind，如 falsification 弄虚作假、taking_and_demanding 吃拿卡要），"
        "以及 acts[].defied_known_ban、acts[].under_reform_banner",
    ),
    "conduct.passive_acceptance": (
        "acts[].passive, on the act of acceptance",
        "收受行为上的 acts[].passive",
    ),
    "matter.irregularities": (
        "the kinds of the acts (acts[].kind, e.g. funds_use, planning)",
        "各行为的类别（acts[].kind，如 funds_use 资金使用、planning 规划）",
    ),
    "matter.error_kinds": (
        "the kinds of the acts (acts[].kind), compared within their family",
        "各行为的类别（acts[].kind），按类别族比较",
    ),
    "matter.conduct_started_on": (
        "each act's date, exact or partial (acts[].when)",
        "各行为的日期，可精确也可不完整（acts[].when）",
    ),
    "matter.conduct_ended_on": (
        "each act's date, exact or partial (acts[].when)",
        "各行为的日期，可精确也可不完整（acts[].when）",
    ),
    "motive.private_gain_for": (
        "each act's beneficiaries (acts[].private_gain_for)",
        "各行为的谋利对象（acts[].private_gain_for）",
    ),
    "consequences.harmed_interests": (
        "each act's harm (acts[].harmed)",
        "各行为损害的利益（acts[].harmed）",
    ),
    "violation": (
        "each act's breach: acts[].breached (which rules) and acts[].explicit_prohibition",
        "各行为的违规情况：acts[].breached（违反哪些规定）和 acts[].explicit_prohibition",
    ),
    "violation.norms": (
        "each act's breach (acts[].breached)",
        "各行为违反的规定（acts[].breached）",
    ),
    "violation.explicitly_prohibited": (
        "each act's acts[].explicit_prohibition",
        "各行为的 acts[].explicit_prohibition（是否违反明令禁止）",
    ),
    "history.exempted_error_kinds": (
        "history.exemptions, a list of records {date, kind, matter} ([] for never exempted)",
        "history.exemptions，由记录 {date, kind, matter} 组成的列表（从未获容错免责时为 []）",
    ),
}

_CODES: Final = {
    "extra_forbidden": "filing_unknown_field",
    "na_not_allowed": "filing_na_not_allowed",
    "set_conflict": "filing_set_conflict",
    "invalid_date": "filing_invalid_date",
    "duplicate_value": "filing_duplicate_value",
    "too_long": "filing_too_long",
    "string_too_long": "filing_too_long",
    "invalid_value": "filing_invalid_value",
    "literal_error": "filing_invalid_value",
    "string_too_short": "filing_invalid_value",
    "missing": "filing_invalid_value",
    "wrong_type": "filing_wrong_type",
    "model_type": "filing_wrong_type",
    "model_attributes_type": "filing_wrong_type",
    "dict_type": "filing_wrong_type",
}

_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


#: pydantic's own error types a filing can meet, in Chinese (its English ``msg`` is kept)
_BUILTIN_ZH: Final = {
    "missing": "缺少必填项",
    "model_type": "应为对象（映射）",
    "model_attributes_type": "应为对象（映射）",
    "dict_type": "应为对象（映射）",
    "string_type": "应为文本",
    "string_too_short": "文本不能为空",
    "string_too_long": "文本过长",
    "literal_error": "不是允许的取值",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
}


def _code(err_type: str) -> str:
    if err_type in _CODES:
        return _CODES[err_type]
    if err_type.endswith(("_type", "_parsing")):
        return "filing_wrong_type"
    return "filing_invalid_value"


# --------------------------------------------------------------------------- v1 documents


def _v1_problems(value: Mapping[str, Any], name: str, doc: _yaml.Document | None) -> list[Problem]:
    """A ``filing_v1`` problem for every v1-only key in the document."""
    problems: list[Problem] = []
    for key, (replaced, replaced_zh) in V1_KEYS.items():
        group, _, fact = key.partition(".")
        node = value.get(group)
        found = (isinstance(node, Mapping) and fact in node) if fact else group in value
        if not found or (fact and group == "violation"):
            continue  # violation.* are named once, with the group
        path: Path = (group, fact) if fact else (group,)
        problems.append(
            Problem(
                "filing_v1",
                f"{key!r} is a key of filing model v1; v2 has {replaced}",
                _at(doc, name, path, key=True),
                "rewrite the filing in the v2 shape (docs/design-v2.md §2); a v1 filing is "
                "never read as v2",
                message_zh=f"{key!r} 是 v1 备案模型的键；v2 改为 {replaced_zh}",
                hint_zh=(
                    "请按 v2 的结构改写备案（docs/design-v2.md 第 2 节）；v1 备案绝不会按 v2 读取"
                ),
            )
        )
    return problems


# --------------------------------------------------------------------------- lists


def _list_problems(value: object, name: str, doc: _yaml.Document | None) -> list[Problem]:
    """``filing_too_long`` for an over-long list; ``filing_duplicate_value`` at every string a
    list repeats (a list of strings in a filing is a set, or a partial set's yes or no)."""
    problems: list[Problem] = []
    todo: list[tuple[Path, object]] = [((), value)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, Mapping):
            todo.extend(((*path, str(k)), v) for k, v in node.items() if type(v) not in _SCALARS)
        elif isinstance(node, list | tuple):
            if len(node) > MAX_LIST_ITEMS:
                problems.append(
                    Problem(
                        "filing_too_long",
                        f"a list of {len(node)} items; at most {MAX_LIST_ITEMS} are allowed",
                        _at(doc, name, path),
                        message_zh=f"列表有 {len(node)} 项；最多允许 {MAX_LIST_ITEMS} 项",
                    )
                )
                continue
            first: dict[str, int] = {}
            for i, item in enumerate(node):
                if not isinstance(item, str):
                    continue
                earlier = first.setdefault(item, i)
                if earlier == i:
                    continue
                where = where_zh = Location(path=(*path, earlier)).json_path()
                pos = doc.positions.get((*path, earlier)) if doc is not None else None
                if pos is not None:
                    where += f" on line {pos[0]}"
                    where_zh += f"（第 {pos[0]} 行）"
                problems.append(
                    Problem(
                        "filing_duplicate_value",
                        f"{item!r} is listed again; it first appears at {where}",
                        _at(doc, name, (*path, i)),
                        "a set lists each value once: remove this one, or give the value "
                        "that was meant",
                        message_zh=f"{item!r} 重复列出；首次出现于 {where_zh}",
                        hint_zh="集合中每个取值只列一次：删去这一个，或改为本意要填的取值",
                    )
                )
            todo.extend(((*path, i), v) for i, v in enumerate(node) if type(v) not in _SCALARS)
    return problems


# --------------------------------------------------------------------------- validation


def _doc_path(value: object, loc: Sequence[str | int]) -> Path:
    """The path of a model error as the document wrote it: the components the document has,
    without those the model adds (``items`` of a records group given as a list, and so on)."""
    out: list[str | int] = []
    node: object = value
    for part in loc:
        in_mapping = isinstance(node, Mapping) and isinstance(part, str) and part in node
        in_list = isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]  # type: ignore[index]
            out.append(part)
    return tuple(out)


def _model_at(
    loc: Sequence[str | int], top: type[pydantic.BaseModel]
) -> type[pydantic.BaseModel] | None:
    """The model that holds the last component of a model error's location."""
    model: type[pydantic.BaseModel] = top
    for part in loc[:-1]:
        if not isinstance(part, str):
            continue
        info = model.model_fields.get(part)
        if info is None:
            continue  # a key the records forms add (items, complete)
        inner = _inner_model(info)
        if inner is None:
            return None
        model = inner
    return model


def _inner_model(info: Any) -> type[pydantic.BaseModel] | None:
    for meta in info.metadata:
        if isinstance(meta, RecordsOf):
            return meta.model
    for arg in (info.annotation, *typing.get_args(info.annotation)):
        if isinstance(arg, type) and issubclass(arg, pydantic.BaseModel):
            return arg
    return None


def _problems(
    exc: pydantic.ValidationError,
    value: object,
    name: str,
    doc: _yaml.Document | None,
    top: type[pydantic.BaseModel],
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        code = _code(err["type"])
        msg = err["msg"]
        msg_zh = str((err.get("ctx") or {}).get("reason_zh", "")) or _BUILTIN_ZH.get(
            err["type"], ""
        )
        hint = ""
        path = _doc_path(value, loc)
        if err["type"] == "missing" and loc:
            path = (*path, loc[-1])  # the field that is missing, under what holds it
        if code == "filing_unknown_field" and loc:
            field = str(loc[-1])
            msg = f"the filing model has no field {field!r}"
            msg_zh = f"备案模型中没有字段 {field!r}"
            model = _model_at(loc, top)
            if model is not None:
                hint = suggest(field, list(model.model_fields))
        given = err.get("input")
        if code != "filing_unknown_field" and isinstance(given, str | int | float | bool):
            shown = show(given, limit=80)  # never repr: an int of over 4,300 digits has none
            if shown not in msg:
                msg += f" (got {shown})"
            if msg_zh and shown not in msg_zh:
                msg_zh += f"（实际为 {shown}）"
        key = code == "filing_unknown_field"
        problems.append(Problem(code, msg, _at(doc, name, path, key=key), hint, message_zh=msg_zh))
    return problems


def _at(doc: _yaml.Document | None, name: str, path: Path, *, key: bool = False) -> Location:
    if doc is None or not path:
        return Location(name, path=path)
    found = doc.loc(path, key=key)
    return Location(name, found.line, found.col, path)


def validate_document(
    value: object,
    name: str,
    doc: _yaml.Document | None = None,
    *,
    model: type[_F],
    validate: Callable[[dict[str, Any]], _F] | None = None,
) -> _F:
    """``value`` checked as a filing document of ``model``: its coded problems located in
    ``name`` (and ``doc``, for YAML), or the filing. ``validate`` makes the instance (default:
    ``model.model_validate``; the model's wrap validator passes its handler, so the instance is
    made once).

    A valid filing is validated once, by the model alone: every check of the document's own
    (a v1 key, an over-long list, a value a list repeats) is one the model fails too (a v1 key
    is no field of it, :func:`_v1_safe`; a list is a set, whose validator refuses a repeat and
    more than :data:`~rongcuo.facts.fields.MAX_RECORDS` values, or records, bounded alike). So
    those checks run on the error path only, where they decide which problems are reported
    and where, as they did when they ran first.
    """
    if type(value) is not dict and not isinstance(value, Mapping):  # (a dict: no ABC check)
        raise FilingError([not_object(value, name)])
    if not _v1_safe(model):  # a revision that declares a v1 key as a fact of its own
        v1 = _v1_problems(value, name, doc)
        if v1:
            raise FilingError(v1)
    try:
        if validate is None:
            return model.model_validate(dict(value), context={_READING: True})
        return validate(dict(value))
    except pydantic.ValidationError as exc:
        raise FilingError(_document_problems(exc, value, name, doc, model)) from None


def _document_problems(
    exc: pydantic.ValidationError,
    value: Mapping[str, Any],
    name: str,
    doc: _yaml.Document | None,
    model: type[pydantic.BaseModel],
) -> list[Problem]:
    """The problems of a document the model refused, as the reader reports them: a v1
    document's ``filing_v1`` alone; an over-long list's ``filing_too_long`` (and any repeat)
    alone; else every repeat at the repeat, then the model's own errors."""
    v1 = _v1_problems(value, name, doc)
    if v1:
        return v1
    found = _list_problems(value, name, doc)
    if any(p.code == "filing_too_long" for p in found):
        return found  # an over-long list is that: what the model says of its items is not
    more = _problems(exc, value, name, doc, model)
    if found:  # a repeat is reported once, at the item, not again at its list
        more = [p for p in more if p.code != "filing_duplicate_value"]
        # a list where no set belongs is wrong for that reason, not for a repeat in it
        elsewhere = {
            p.location.path for p in more if p.code in ("filing_wrong_type", "filing_unknown_field")
        }
        found = [
            p
            for p in found
            if p.code != "filing_duplicate_value" or p.location.path[:-1] not in elsewhere
        ]
    return [*found, *more]


_V1_SAFE: dict[type[pydantic.BaseModel], bool] = {}


def _v1_safe(model: type[pydantic.BaseModel]) -> bool:
    """Whether ``model`` refuses every key of :data:`V1_KEYS` as unknown (none is a field of
    it): then a v1 document fails the model, and its ``filing_v1`` problems are found on the
    error path. The bundled model's is; a revision's is checked once."""
    safe = _V1_SAFE.get(model)
    if safe is None:
        safe = True
        for key in V1_KEYS:
            group, _, fact = key.partition(".")
            info = model.model_fields.get(group)
            if info is None:
                continue
            inner = _inner_model(info)
            if not fact or inner is None or fact in inner.model_fields:
                safe = False
        _V1_SAFE[model] = safe
    return safe


#: the validation context under which the model is called by :func:`validate_document` itself, whose
#: checks then come first and whose problems are located in the document
_READING: Final = "rongcuo.reading"


_M = typing.TypeVar("_M", bound=pydantic.BaseModel)


def validate_coded(cls: type[_M], data: Any, handler: Any, info: pydantic.ValidationInfo) -> _M:
    """The model's own wrap validator (the generator writes one on every ``Filing``): however a
    filing is validated — ``Filing.model_validate``, a FastAPI body typed as the model, a field
    of another model — it gets the same checks and rongcuo codes as :func:`parse_filing_v2`
    (a repeat refused at the repeat, ``filing_v1`` for a v1 document, ``filing_too_long``), each
    error's ``type`` a rongcuo code with the hint in ``ctx["hint"]``."""
    context = info.context
    if (type(context) is dict or isinstance(context, Mapping)) and context.get(_READING):
        return typing.cast(_M, handler(data))
    if isinstance(data, cls):
        return data
    try:  # the checks of a document read; the instance is the handler's (``Filing(...)`` too)
        return validate_document(data, "", model=cls, validate=handler)
    except FilingError as exc:
        errors: list[InitErrorDetails] = [
            {
                "type": PydanticCustomError(
                    p.code, "{reason}", {"reason": p.message, "hint": p.hint}
                ),
                "loc": p.location.path,
                "input": data,
            }
            for p in exc.problems
        ]
        raise pydantic.ValidationError.from_exception_data(cls.__name__, errors) from None
