"""Generate the typed filing model from a facts declaration.

    python -m rongcuo.facts.generate rules/facts.yaml -o src/rongcuo/facts/v2.py
    python -m rongcuo.facts.generate rules/facts.yaml --check src/rongcuo/facts/v2.py

The output is a committed Python module (frozen pydantic models with ``Literal`` value ids per
family, so that mypy checks code that builds filings; the families and the fact catalogue as
data; the fact vector reader written out). ``--check`` exits 1 when the module is not what the
declaration gives, as the test suite does. The output is the same bytes for the same
declaration and path: no timestamps.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ..errors import RongcuoError
from .declare import FactDecl, FactsDecl, FactType, Family, load_facts

__all__ = ["generate", "main"]

_FIXED: Final = frozenset(
    {"Filing", "Determination", "Determinations", "FactsModel", "Records", "PartialSet"}
)


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _s(text: str) -> str:
    """A Python string literal in double quotes (valid Python: JSON's escapes are Python's)."""
    return json.dumps(text, ensure_ascii=False)


def _pair(pair: tuple[str, str]) -> str:
    return f"({_s(pair[0])}, {_s(pair[1])})"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "", indent: int = 0) -> None:
        self.lines.append(("    " * indent + line) if line else "")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def _names(decl: FactsDecl) -> dict[str, str]:
    """The Python name of every family's Literal alias, checked against the class names."""
    names: dict[str, str] = {}
    classes = set(_FIXED)
    for group in decl.groups:
        classes.add(_camel(group.id))
        for f in group.facts:
            if f.record:
                classes.add(f.record)
    for fid in decl.families:
        name = _camel(fid)
        if name in classes or name in names.values():
            raise ValueError(f"the family {fid!r} would be named {name}, a class name already")
        names[fid] = name
    return names


def _const(fid: str) -> str:
    return fid.upper()


def _annotation(f: FactDecl, names: dict[str, str]) -> str:
    na = ", NAType" if f.na else ""
    na_arg = f"na={_pair(f.na)}" if f.na else ""
    if f.type is FactType.BOOL:
        return f"Annotated[bool{' | NAType' if f.na else ''} | None, BoolOf({na_arg})]"
    if f.type is FactType.ENUM:
        fam = f.family or ""  # the declaration gives every enum fact its family
        args = ", ".join(a for a in (_const(fam), na_arg) if a)
        return f"Annotated[{names[fam]}{na.replace(',', ' |')} | None, EnumOf({args})]"
    if f.type is FactType.SET:
        args = ", ".join(a for a in (_const(f.family or ""), na_arg) if a)
        return f"Annotated[PartialSet{na.replace(',', ' |')} | None, SetOf({args})]"
    if f.type is FactType.DATE:
        return f"Annotated[PartialDate{na.replace(',', ' |')} | None, DateOf({na_arg})]"
    if f.type is FactType.TEXT:
        return "Annotated[str, Field(max_length=MAX_TEXT)] | None"
    return f"Annotated[Records[{f.record}] | None, RecordsOf({f.record})]"


def _field(w: _Writer, f: FactDecl, names: dict[str, str]) -> None:
    w(f"{f.name}: {_annotation(f, names)} = fact(", 1)
    w(f"{_s(f.zh)},", 2)
    w(f"{_s(f.en)},", 2)
    w(f"question={_pair((f.question_zh, f.question_en))},", 2)
    if f.note:
        w(f"note={_s(f.note)},", 2)
    if f.na:
        w(f"na={_pair(f.na)},", 2)
    w(")", 1)


def _fact_decl(w: _Writer, f: FactDecl, indent: int) -> None:
    w("FactDecl(", indent)
    for key, value in (
        ("path", _s(f.path)),
        ("name", _s(f.name)),
        ("type", f"FactType.{f.type.name}"),
        ("zh", _s(f.zh)),
        ("en", _s(f.en)),
        ("question_zh", _s(f.question_zh)),
        ("question_en", _s(f.question_en)),
        ("note", _s(f.note)),
        ("family", _s(f.family) if f.family else "None"),
        ("na", _pair(f.na) if f.na else "None"),
    ):
        w(f"{key}={value},", indent + 1)
    if f.fields:
        w("fields=(", indent + 1)
        for sub in f.fields:
            _fact_decl(w, sub, indent + 2)
        w("),", indent + 1)
    if f.record:
        w(f"record={_s(f.record)},", indent + 1)
    w(f"order={f.order},", indent + 1)
    w("),", indent)


def _family(w: _Writer, fam: Family, name: str) -> None:
    w(f"{name} = Literal[")
    for vid in fam.values:
        w(f"{_s(vid)},", 1)
    w("]")
    w(f'"""{fam.zh}（{fam.en}）"""')
    w(f"{_const(fam.id)}: Final = family(")
    w(f"{_s(fam.id)},", 1)
    w(f"{_s(fam.zh)},", 1)
    w(f"{_s(fam.en)},", 1)
    w("(", 1)
    for v in fam.values.values():
        parents = "(" + "".join(f"{_s(p)}, " for p in v.parents).rstrip(" ") + ")"
        w(
            f"({_s(v.id)}, {_s(v.zh)}, {_s(v.en)}, {parents}, {v.opaque}, {v.kind_class}),",
            2,
        )
    w("),", 1)
    w(")")
    w()


_HEAD: Final = '''"""Filing model v2: the facts of one matter, each of which may be unknown.

Generated from {source} by `python -m rongcuo.facts.generate`; do not edit. Edit the
declaration and regenerate (tests/test_facts_v2.py checks that this module is in step):

    python -m rongcuo.facts.generate {source} -o src/rongcuo/facts/v2.py

Unknown is ``None`` everywhere, never a zero value. A set fact is a
:class:`~rongcuo.facts.values.PartialSet`, a date a :class:`~rongcuo.facts.values.PartialDate`,
a records fact :class:`~rongcuo.facts.values.Records`; a fact declared with ``na:`` may be
:data:`~rongcuo.facts.values.NA`. docs/design-v2.md fixes the document forms each reads.
"""

# ruff: noqa: E501
# No ``from __future__ import annotations``: the fields' annotations are objects when a class is
# made, so pydantic need not evaluate some 800 strings (a cheaper import, docs/performance.md).

from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StrictBool,
    ValidationInfo,
    model_serializer,
    model_validator,
)

from .coded import validate_coded
from .declare import FactDecl, FactType, Family
from .fields import (
    MAX_TEXT,
    BoolOf,
    DateOf,
    EnumOf,
    FactsModel,
    RecordsOf,
    SetOf,
    fact,
    family,
    group,
    records_group_dump,
    records_group_input,
    records_group_schema,
)
from .values import NAType, PartialDate, PartialSet, Records

#: sha256 of the declaration this module was generated from (:attr:`FactsDecl.digest`)
DIGEST: Final = "{digest}"
'''

_DETERMINATION: Final = '''

class Determination(FactsModel):
    """认定：对兜底条款的人工认定"""

    holds: StrictBool = Field(
        title="是否认定适用", json_schema_extra={"x-title-en": "whether the clause holds"}
    )
    decided_by: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        title="认定机关", json_schema_extra={"x-title-en": "decided by"}
    )
    decided_on: Annotated[PartialDate, DateOf(exact=True, required=True)] = Field(
        title="认定日期", json_schema_extra={"x-title-en": "decided on"}
    )
    reason: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = Field(
        title="认定理由", json_schema_extra={"x-title-en": "reason"}
    )
'''


def generate(decl: FactsDecl, source: str) -> str:
    """The text of the generated module for ``decl``, read from ``source`` (a path as shown)."""
    names = _names(decl)
    w = _Writer()
    w(_HEAD.replace("{source}", source).replace("{digest}", decl.digest).rstrip("\n"))
    w()
    w()
    w("# " + "-" * 75 + " families")
    w()
    for fam in decl.families.values():
        _family(w, fam, names[fam.id])
    w("#: every family, by id")
    w("FAMILIES: Final[Mapping[str, Family]] = {")
    for fid in decl.families:
        w(f"{_s(fid)}: {_const(fid)},", 1)
    w("}")
    w()
    w()
    w("# " + "-" * 75 + " records")
    for group in decl.groups:
        for f in group.facts:
            if f.type is not FactType.RECORDS:
                continue
            w()
            w()
            w(f"class {f.record}(FactsModel):")
            w(f'"""{f.zh}：一条记录"""', 1)
            w()
            for sub in f.fields:
                _field(w, sub, names)
    w(_DETERMINATION.rstrip("\n"))
    w()
    w()
    w("# " + "-" * 75 + " groups")
    top: list[FactDecl] = []
    groups: list[tuple[str, str, str]] = []
    for group in decl.groups:
        if group.id == "filing":
            top.extend(group.facts)
            continue
        cls = _camel(group.id)
        groups.append((group.id, cls, _pair((group.zh, group.en))))
        w()
        w()
        w(f"class {cls}(FactsModel):")
        w(f'"""{group.zh}"""', 1)
        w()
        if group.id == "determinations":
            for clause in decl.determinations:
                w(f"{clause}: Determination | None = fact(", 1)
                w(f"{_s(f'{clause} 认定')},", 2)
                w(f"{_s(f'determination under {clause}')},", 2)
                question = (
                    f"是否有关于 {clause} 的认定？",
                    f"Is there a determination under {clause}?",
                )
                w(f"question={_pair(question)},", 2)
                w(")", 1)
            continue
        single = len(group.facts) == 1 and group.facts[0].type is FactType.RECORDS
        if single:
            w("model_config = ConfigDict(", 1)
            w('extra="forbid",', 2)
            w("frozen=True,", 2)
            w("defer_build=True,", 2)
            w(f"json_schema_extra=records_group_schema({_s(group.facts[0].name)}),", 2)
            w(")", 1)
            w()
        for f in group.facts:
            _field(w, f, names)
        if single:
            name = group.facts[0].name
            w()
            w('@model_validator(mode="before")', 1)
            w("@classmethod", 1)
            w("def _records_form(cls, value: Any) -> Any:", 1)
            w('"""The group may be given as its records: a list, or {items, complete}."""', 2)
            w(f"return records_group_input(value, {_s(name)})", 2)
            w()
            w('@model_serializer(mode="wrap")', 1)
            w(
                "def _dump("
                "self, handler: SerializerFunctionWrapHandler, info: SerializationInfo"
                ") -> Any:",
                1,
            )
            w("data = handler(self)", 2)
            w(f"return records_group_dump(data, {_s(name)}) if info.mode_is_json() else data", 2)
    w()
    w()
    w("class Filing(FactsModel):")
    w('"""容错免责备案申请：一宗事项的事实（v2）"""', 1)
    w()
    for f in top:
        _field(w, f, names)
    for gid, cls, pair in groups:
        w(f"{gid}: {cls} = group({cls}, *{pair})", 1)
    w()
    w(
        "#: every fact, in :data:`FACTS` order, ``None`` when unknown: built once, when the filing",
        1,
    )
    w("#: is made, for generated rules to read by position (see :func:`fact_vector`)", 1)
    w("_facts: tuple[Any, ...] = PrivateAttr(default=())", 1)
    w()
    w('@model_validator(mode="wrap")', 1)
    w("@classmethod", 1)
    w(
        "def _coded(cls, data: Any, handler: ModelWrapValidatorHandler[Self], "
        "info: ValidationInfo) -> Self:",
        1,
    )
    w('"""rongcuo\'s checks and codes however a filing is validated (a FastAPI body too)."""', 2)
    w("return validate_coded(cls, data, handler, info)", 2)
    w()
    w("def model_post_init(self, context: Any, /) -> None:", 1)
    w("self._facts = _read_vector(self)", 2)
    w()
    w(
        "def model_copy("
        "self, *, update: Mapping[str, Any] | None = None, deep: bool = False"
        ") -> Self:",
        1,
    )
    w("copy = super().model_copy(update=update, deep=deep)", 2)
    w("copy._facts = _read_vector(copy)  # an update may change any fact", 2)
    w("return copy", 2)
    w()
    w()
    w("# " + "-" * 75 + " the fact catalogue")
    w()
    w("#: every top-level fact (a records fact, not its fields), in declaration order: the")
    w("#: positions of the fact vector")
    w("FACTS: Final[Mapping[str, FactDecl]] = {")
    for f in decl.facts.values():
        tmp = _Writer()
        _fact_decl(tmp, f, 1)
        tmp.lines[0] = f"    {_s(f.path)}: FactDecl("
        w.lines.extend(tmp.lines)
    w("}")
    w("#: where each fact stands in a filing's :func:`fact_vector`")
    w("FACT_INDEX: Final[Mapping[str, int]] = {path: i for i, path in enumerate(FACTS)}")
    w()
    w()
    w("def _read_vector(f: Filing) -> tuple[Any, ...]:")
    w('"""Every fact in :data:`FACTS` order, read straight off the groups\' ``__dict__``s."""', 1)
    w("d = f.__dict__", 1)
    items: list[str] = []
    for group in decl.groups:
        if group.id == "filing":
            items.extend(f"d[{_s(x.name)}]" for x in group.facts)
            continue
        w(f"g_{group.id} = d[{_s(group.id)}].__dict__", 1)
        if group.id == "determinations":
            for clause in decl.determinations:
                w(f"r_{clause} = g_determinations[{_s(clause)}]", 1)
            for x in group.facts:
                clause, _, field = x.path.split(".", 1)[1].partition(".")
                items.append(f"None if r_{clause} is None else r_{clause}.{field}")
            continue
        items.extend(f"g_{group.id}[{_s(x.name)}]" for x in group.facts)
    w("return (", 1)
    for item in items:
        w(f"{item},", 2)
    w(")", 1)
    w()
    w()
    w("def fact_vector(filing: Filing) -> tuple[Any, ...]:")
    w('"""Every fact of ``filing`` in :data:`FACTS` order (positions in :data:`FACT_INDEX`),', 1)
    w('``None`` for an unknown one. Made with the filing, like the filing immutable."""', 1)
    w('facts: tuple[Any, ...] = filing.__pydantic_private__["_facts"]  # type: ignore[index]', 1)
    w("return facts", 1)
    w()
    w()
    w("def filing_json_schema() -> dict[str, Any]:")
    w('"""The JSON Schema of a v2 filing, with Chinese titles on every fact and value."""', 1)
    w("schema = Filing.model_json_schema()", 1)
    w('schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"', 1)
    w('schema["$id"] = "https://rongcuo.invalid/schema/filing-v2.json"', 1)
    w("return schema", 1)
    return w.text()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rongcuo.facts.generate",
        description="Generate the typed filing model from a facts declaration.",
    )
    parser.add_argument("declaration", help="the facts declaration (facts.yaml)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="write the module here (default: standard output)")
    out.add_argument("--check", metavar="MODULE", help="exit 1 if MODULE is not up to date")
    args = parser.parse_args(argv)
    try:
        decl = load_facts(Path(args.declaration))
    except RongcuoError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    text = generate(decl, Path(args.declaration).as_posix())
    if args.check:
        try:
            current = Path(args.check).read_text(encoding="utf-8")
        except OSError as exc:
            print(f"{args.check}: io_error: cannot read: {exc.strerror}", file=sys.stderr)
            return 1
        if current != text:
            print(
                f"{args.check} is not what {args.declaration} gives; regenerate it with\n"
                f"  python -m rongcuo.facts.generate {args.declaration} -o {args.check}",
                file=sys.stderr,
            )
            return 1
        return 0
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
