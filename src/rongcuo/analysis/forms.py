"""A JSON Schema for form renderers, and form data back to a filing (issue 12, item 4).

:func:`form_schema` builds, from a ruleset's declaration of facts (filing model v2), a JSON Schema
(2020-12) that a generic form library (react-jsonschema-form and the like) renders as a form a case
officer can fill in:

* every choice is a ``oneOf`` of ``{"const": code, "title": label}``, so a renderer shows the
  label (the Chinese or English title of a value), never a raw code and never "Option 1";
* 未知 (unknown) is an explicit choice of every yes/no and every one-of question, which therefore
  has three states (是 / 否 / 未知), four where "not applicable" is declared (its title says what
  that means for the fact);
* a set fact is answered in part: the values known to apply, those known not to, and whether the
  first list is all of them; a date may be a year, a month, a day or a range (``2012/2013``);
* a list of records (the acts, the earlier exemptions) is an array of objects, with whether the
  list is complete;
* titles and descriptions (the declared questions) are in the chosen language; the schema uses
  only the 2020-12 vocabularies (no vendor keywords), so strict validators accept it.

The form's own shape is fixed here, not by the filing document's. :func:`form_to_document` turns
form data into a filing document (the mapping ``rongcuo check`` reads), :func:`form_to_filing`
into a :class:`Filing` of the ruleset's model (a problem is the filing parser's coded
:class:`~rongcuo.errors.FilingError`), and :func:`filing_to_form` a filing back into form data
(to prefill a form). The three agree: ``form_to_filing(filing_to_form(f, r), r) == f``.

The plain filing schema (``rongcuo schema``) stays what it is; this one is
``rongcuo schema --for forms --lang zh|en``. Filing model v1 has no declaration to build a form
from: :func:`form_schema` refuses a v1 ruleset (``form_unavailable``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from ..errors import FilingError, Location, Problem, RongcuoError
from ..facts.declare import FactDecl, FactsDecl, FactType, Family
from ..facts.values import NA, NA_TEXT, PartialDate, PartialSet, Records

if TYPE_CHECKING:
    from ..facts.model import Filing
    from ..rules.ruleset import Ruleset

__all__ = [
    "FORM_SCHEMA_ID",
    "UNKNOWN",
    "filing_to_form",
    "form_schema",
    "form_to_document",
    "form_to_filing",
]

Lang = Literal["zh", "en"]

UNKNOWN: Final = "?"
"""The code of the choice 未知 (never a value id: ids are snake_case)."""
_TRUE: Final = "true"
_FALSE: Final = "false"
_COMPLETE: Final = "complete"
_PARTIAL: Final = "partial"
FORM_SCHEMA_ID: Final = "https://rongcuo.invalid/schemas/filing-form"
"""The ``$id`` of the form schema (suffixed ``.zh.json`` / ``.en.json``)."""
_DATE: Final = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"

_WORDS: Final[dict[str, dict[Lang, str]]] = {
    "form": {"zh": "容错免责备案", "en": "Filing for exemption from accountability (容错免责备案)"},
    "form_desc": {
        "zh": "逐项填写；不清楚的选“未知”。",
        "en": "Answer what you know; choose “unknown” for anything you do not.",
    },
    "unknown": {"zh": "未知", "en": "unknown"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "set_yes": {"zh": "属于（已确认）", "en": "included (confirmed)"},
    "set_no": {"zh": "不属于（已排除）", "en": "not included (ruled out)"},
    "set_complete": {
        "zh": "“属于”一栏已全部列出（其余均不属于）",
        "en": "the included values are all of them (everything else is not)",
    },
    "set_na": {"zh": "不适用：{na}", "en": "not applicable: {na}"},
    "date_desc": {
        "zh": "可填年份（2023）、年月（2023-05）、日期（2023-05-17）或区间（2012/2013）",
        "en": "a year (2023), a month (2023-05), a day (2023-05-17) or a range (2012/2013)",
    },
    "date_na": {"zh": "；不适用（{na}）填 n/a", "en": "; n/a if not applicable ({na})"},
    "records": {"zh": "逐项列出", "en": "one entry each"},
    "listed": {"zh": "是否已全部列出", "en": "is the list complete?"},
    "listed_complete": {"zh": "已全部列出（无则为空）", "en": "complete (empty if there are none)"},
    "listed_partial": {"zh": "可能还有未列出的", "en": "there may be more"},
    "determination": {"zh": "{clause} 认定", "en": "determination under {clause}"},
}


def _w(key: str, lang: Lang, **fmt: str) -> str:
    text = _WORDS[key][lang]
    return text.format(**fmt) if fmt else text


def _declaration(rules: Ruleset) -> FactsDecl:
    catalogue = rules.program.catalogue
    if catalogue is None:  # v1: delete at the flip (v1 has no declaration to build a form from)
        raise RongcuoError(
            [
                Problem(
                    "form_unavailable",
                    f"the ruleset {rules.label} is of filing model v1, which declares no facts "
                    "to build a form from",
                    hint="use a ruleset of filing model v2 (--rules rules-v2)",
                    message_zh=f"规则集 {rules.label} 属于第一版备案模型，未声明事实，无法生成表单",
                )
            ]
        )
    return catalogue.decl


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "zh"


# --------------------------------------------------------------------------- the schema


def form_schema(rules: Ruleset | None = None, *, lang: str = "zh") -> dict[str, Any]:
    """The JSON Schema (2020-12) of the form for ``rules``' filing model, labelled in ``lang``.

    ``rules`` defaults to the bundled ruleset. A v1 ruleset raises
    :class:`~rongcuo.errors.RongcuoError` ``form_unavailable``.
    """
    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    decl = _declaration(rules)
    lg = _lang(lang)
    root: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{FORM_SCHEMA_ID}.{lg}.json",
        "title": _w("form", lg),
        "description": _w("form_desc", lg),
        "type": "object",
        "additionalProperties": False,
        "properties": {},
    }
    for group in decl.groups:
        facts = list(group.facts)
        if group.id == "filing":
            target = root
        elif _lifted(group.facts):
            root["properties"][group.id] = _fact_schema(facts[0], decl, lg, title=group.title(lg))
            continue
        else:
            target = _object(group.title(lg))
            root["properties"][group.id] = target
        for f in facts:
            parts = f.path.split(".")[1:] if group.id != "filing" else [f.path]
            node = target
            for part in parts[:-1]:  # determinations.P15.holds: the determination's object
                props = node["properties"]
                if part not in props:
                    props[part] = _object(_w("determination", lg, clause=part))
                node = props[part]
            node["properties"][parts[-1]] = _fact_schema(f, decl, lg)
    return root


def _lifted(facts: Sequence[FactDecl]) -> bool:
    """A group whose one fact is a list of records (``acts``): the document gives the list as the
    group itself, and so does the form."""
    return len(facts) == 1 and facts[0].type is FactType.RECORDS


def _object(title: str) -> dict[str, Any]:
    return {"type": "object", "title": title, "additionalProperties": False, "properties": {}}


def _choices(options: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"const": code, "title": label} for code, label in options]


def _family_options(fam: Family, lang: Lang, *, below: str | None = None) -> list[tuple[str, str]]:
    """The values of ``fam`` in tree order, nested values indented (full-width spaces)."""
    out: list[tuple[str, str]] = []

    def walk(value: str, depth: int, seen: set[str]) -> None:
        if value in seen:  # a value under two parents (``also:``) is listed once, first place
            return
        seen.add(value)
        out.append((value, "\u3000" * depth + fam.values[value].title(lang)))
        for child in fam.children(value):
            if fam.values[child].parents[0] == value:
                walk(child, depth + 1, seen)

    seen: set[str] = set()
    for root in (below,) if below is not None else fam.roots():
        walk(root, 0, seen)
    return out


def _fact_schema(
    f: FactDecl, decl: FactsDecl, lang: Lang, *, title: str | None = None
) -> dict[str, Any]:
    node: dict[str, Any] = {"title": title or f.title(lang)}
    question = f.question(lang)
    na = f.na[0 if lang == "zh" else 1] if f.na is not None else None
    if f.type is FactType.BOOL:
        options = [(_TRUE, _w("yes", lang)), (_FALSE, _w("no", lang))]
        if na is not None:
            options.append((NA_TEXT, na))
        options.append((UNKNOWN, _w("unknown", lang)))
        node.update(type="string", oneOf=_choices(options), default=UNKNOWN)
    elif f.type is FactType.ENUM:
        options = _family_options(decl.families[f.family or ""], lang)
        if na is not None:
            options.append((NA_TEXT, na))
        options.append((UNKNOWN, _w("unknown", lang)))
        node.update(type="string", oneOf=_choices(options), default=UNKNOWN)
    elif f.type is FactType.SET:
        values = {
            "type": "array",
            "uniqueItems": True,
            "items": {
                "type": "string",
                "oneOf": _choices(_family_options(decl.families[f.family or ""], lang)),
            },
        }
        props: dict[str, Any] = {
            "yes": {**values, "title": _w("set_yes", lang)},
            "no": {**values, "title": _w("set_no", lang)},
            "complete": {"type": "boolean", "title": _w("set_complete", lang), "default": False},
        }
        if na is not None:
            props["na"] = {
                "type": "boolean",
                "title": _w("set_na", lang, na=na),
                "default": False,
            }
        node.update(type="object", additionalProperties=False, properties=props)
    elif f.type is FactType.DATE:
        pattern = f"{_DATE}(/{_DATE})?"
        hint = _w("date_desc", lang)
        if na is not None:
            pattern = f"n/a|{pattern}"
            hint += _w("date_na", lang, na=na)
        node.update(type="string", pattern=f"^({pattern})?$")
        question = f"{question}（{hint}）" if lang == "zh" else f"{question} ({hint})"
    elif f.type is FactType.TEXT:
        node["type"] = "string"
    else:  # RECORDS
        record = _object(_w("records", lang))
        for field in f.fields:
            record["properties"][field.name] = _fact_schema(field, decl, lang)
        listed = [
            (UNKNOWN, _w("unknown", lang)),
            (_COMPLETE, _w("listed_complete", lang)),
            (_PARTIAL, _w("listed_partial", lang)),
        ]
        node.update(
            type="object",
            additionalProperties=False,
            properties={
                "records": {"type": "array", "title": f.title(lang), "items": record},
                "listed": {
                    "type": "string",
                    "title": _w("listed", lang),
                    "oneOf": _choices(listed),
                    "default": UNKNOWN,
                },
            },
        )
    if question:
        node["description"] = question
    return node


# --------------------------------------------------------------------------- form -> filing


def form_to_document(data: Mapping[str, Any], rules: Ruleset | None = None) -> dict[str, Any]:
    """The filing document (the mapping ``rongcuo check`` reads) that form ``data`` describes.

    Every answer 未知, empty list or empty text is left out (unknown); nothing is checked here
    beyond the form's shape (a wrong shape raises :class:`~rongcuo.errors.FilingError`
    ``form_invalid``): :func:`form_to_filing` parses the result with the filing model.
    """
    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    decl = _declaration(rules)
    reader = _FormReader()
    doc = reader.document(data, decl)
    if reader.problems:
        raise FilingError(sorted(reader.problems, key=lambda p: p.location.json_path()))
    return doc


def form_to_filing(data: Mapping[str, Any], rules: Ruleset | None = None) -> Filing:
    """Form ``data`` as a filing of ``rules``' model (the filing parser's coded errors if it is
    not a valid filing)."""
    from ..facts.filings import parse_filing

    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    return parse_filing(form_to_document(data, rules), filename="<form>", rules=rules)


class _FormReader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, where: tuple[str | int, ...], expected: str, got: object) -> None:
        self.problems.append(
            Problem(
                "form_invalid",
                f"the form gives {type(got).__name__} where {expected} belongs",
                Location(path=where),
                message_zh=f"表单此处应为{_ZH_KINDS.get(expected, expected)}",
            )
        )

    def mapping(self, value: object, where: tuple[str | int, ...]) -> Mapping[str, Any] | None:
        if value is None:
            return {}
        if isinstance(value, Mapping):
            return value
        self.bad(where, "an object", value)
        return None

    def document(self, data: Mapping[str, Any], decl: FactsDecl) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        top = self.mapping(data, ())
        if top is None:
            return doc
        known = {g.id for g in decl.groups if g.id != "filing"}
        known |= {f.path for f in decl.facts.values() if "." not in f.path}
        for key in top:
            if key not in known:  # passed on: the filing parser names the unknown key
                doc[key] = top[key]
        for group in decl.groups:
            if group.id == "filing":
                for f in group.facts:
                    self.put(doc, (f.path,), self.fact(f, top.get(f.path), (f.path,)))
                continue
            if _lifted(group.facts):
                only = group.facts[0]
                self.put(doc, (group.id,), self.fact(only, top.get(group.id), (group.id,)))
                continue
            node = self.mapping(top.get(group.id), (group.id,))
            if node is None:
                continue
            for f in group.facts:
                parts = tuple(f.path.split(".")[1:])
                here: Mapping[str, Any] | None = node
                for i, part in enumerate(parts[:-1]):
                    if here is not None:
                        here = self.mapping(here.get(part), (group.id, *parts[: i + 1]))
                if here is None:
                    continue
                where = (group.id, *parts)
                self.put(doc, where, self.fact(f, here.get(parts[-1]), where))
        return doc

    @staticmethod
    def put(doc: dict[str, Any], where: tuple[str, ...], value: Any) -> None:
        if value is _ABSENT:
            return
        node = doc
        for part in where[:-1]:
            node = node.setdefault(part, {})
        node[where[-1]] = value

    def fact(self, f: FactDecl, value: object, where: tuple[str | int, ...]) -> Any:
        if value is None or value in (UNKNOWN, ""):
            return _ABSENT
        if f.type is FactType.BOOL:
            if value == _TRUE:
                return True
            if value == _FALSE:
                return False
            return value  # n/a, or a wrong value the filing parser reports
        if f.type is FactType.SET:
            return self.set_(f, value, where)
        if f.type is FactType.DATE and isinstance(value, str) and "/" in value:
            start, _, stop = value.partition("/")
            return {"from": start, "to": stop}
        if f.type is FactType.RECORDS:
            return self.records(f, value, where)
        return value

    def set_(self, f: FactDecl, value: object, where: tuple[str | int, ...]) -> Any:
        node = self.mapping(value, where)
        if node is None:
            return _ABSENT
        if node.get("na") is True:
            return NA_TEXT
        yes, no = node.get("yes") or [], node.get("no") or []
        complete = node.get("complete") is True
        if not isinstance(yes, list) or not isinstance(no, list):
            self.bad(where, "two lists of values", value)
            return _ABSENT
        if not yes and not no and not complete:
            return _ABSENT
        if complete and not no:
            return list(yes)
        return {"yes": list(yes), "no": list(no), "complete": complete}

    def records(self, f: FactDecl, value: object, where: tuple[str | int, ...]) -> Any:
        node = self.mapping(value, where)
        if node is None:
            return _ABSENT
        items = node.get("records") or []
        listed = node.get("listed", UNKNOWN)
        if not isinstance(items, list):
            self.bad((*where, "records"), "a list of records", items)
            return _ABSENT
        out: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            rec = self.mapping(item, (*where, "records", i))
            if rec is None:
                continue
            names = {x.name for x in f.fields}
            doc: dict[str, Any] = {k: v for k, v in rec.items() if k not in names}
            for field in f.fields:
                self.put(doc, (field.name,), self.fact(field, rec.get(field.name), (*where, i)))
            out.append(doc)
        if listed == _COMPLETE:
            return out
        if listed == UNKNOWN and not out:
            return _ABSENT
        return {"items": out, "complete": False}


_ZH_KINDS: Final = {
    "an object": "对象",
    "two lists of values": "两组取值列表",
    "a list of records": "记录列表",
}


class _Absent:
    """No answer: the key is left out of the document (the fact is unknown)."""


_ABSENT: Final = _Absent()


# --------------------------------------------------------------------------- filing -> form


def filing_to_form(filing: Filing, rules: Ruleset | None = None) -> dict[str, Any]:
    """Form data that shows ``filing`` (to prefill a form); unknown facts are 未知 or empty."""
    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    decl = _declaration(rules)
    form: dict[str, Any] = {}
    for group in decl.groups:
        if group.id == "filing":
            for f in group.facts:
                _set(form, (f.path,), _form_value(f, getattr(filing, f.path, None)))
            continue
        holder = getattr(filing, group.id, None)
        if _lifted(group.facts):
            f = group.facts[0]
            _set(form, (group.id,), _form_value(f, getattr(holder, f.name, None)))
            continue
        for f in group.facts:
            parts = f.path.split(".")[1:]
            value: Any = holder
            for part in parts:
                value = getattr(value, part, None) if value is not None else None
            _set(form, (group.id, *parts), _form_value(f, value))
    return form


def _set(form: dict[str, Any], where: tuple[str, ...], value: Any) -> None:
    if value is _ABSENT:
        return
    node = form
    for part in where[:-1]:
        node = node.setdefault(part, {})
    node[where[-1]] = value


def _form_value(f: FactDecl, value: Any) -> Any:
    if value is NA:
        if f.type is FactType.SET:
            return {"yes": [], "no": [], "complete": False, "na": True}
        return NA_TEXT
    if f.type is FactType.BOOL:
        return UNKNOWN if value is None else (_TRUE if value else _FALSE)
    if f.type is FactType.ENUM:
        return UNKNOWN if value is None else value
    if f.type is FactType.SET:
        s = value if isinstance(value, PartialSet) else PartialSet()
        out: dict[str, Any] = {"yes": sorted(s.yes), "no": sorted(s.no), "complete": s.complete}
        if f.na is not None:
            out["na"] = False
        return out
    if f.type is FactType.DATE:
        if not isinstance(value, PartialDate):
            return _ABSENT
        shown = value.to_json()
        return shown if isinstance(shown, str) else f"{shown['from']}/{shown['to']}"
    if f.type is FactType.TEXT:
        return _ABSENT if value is None else value
    # RECORDS
    if not isinstance(value, Records):
        return {"records": [], "listed": UNKNOWN}
    records = []
    for item in value.items:
        rec: dict[str, Any] = {}
        for field in f.fields:
            _set(rec, (field.name,), _form_value(field, getattr(item, field.name, None)))
        records.append(rec)
    return {"records": records, "listed": _COMPLETE if value.complete else _PARTIAL}
