"""The filing model of a ruleset: its ``Filing`` class, fact catalogue and parser, in one place.

A ruleset without a facts declaration reads filings with the bundled model
(:mod:`rongcuo.facts.model`, :func:`rongcuo.facts.filings.parse_filing`). A ruleset with one
(``facts.yaml``) reads them with the model generated from that declaration: the bundled
declaration's is the generated module :mod:`rongcuo.facts.v2`; a declaration that differs (a
revision that adds a fact or a value) gets a model built when first asked for, from the same
generator's source (:func:`rongcuo.facts.generate.generate`) executed in a fresh module, cached
by the declaration's digest. So a revision of the facts needs no code change.
"""

from __future__ import annotations

import functools
import sys
import threading
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .declare import FactsDecl

__all__ = ["FilingModel", "model_for"]


@dataclass(frozen=True, eq=False)
class FilingModel:
    """One filing model: what the verdict path reads a filing with."""

    #: the pydantic model of a filing
    filing: type[Any]
    #: every fact (top level; a records fact, not its fields) by path, with its titles
    facts: Mapping[str, Any]
    #: where each fact stands in :attr:`vector`'s answer
    index: Mapping[str, int]
    #: every fact of a filing in :attr:`facts` order, ``None`` for unknown
    vector: Callable[[Any], tuple[Any, ...]]
    #: ``parse(source, name=..., max_bytes=...)``: a filing from JSON/YAML text or a mapping
    parse: Callable[..., Any]
    #: the JSON Schema of a filing
    json_schema: Callable[[], dict[str, Any]]
    #: the facts declaration, ``None`` for the v1 model
    decl: FactsDecl | None
    #: the digest of the declaration ("" for the v1 model)
    digest: str = ""

    def owns(self, filing: object) -> bool:
        """Whether ``filing`` is a filing of this model."""
        return isinstance(filing, self.filing)


_LOCK = threading.Lock()
_BUILT: dict[str, FilingModel] = {}


@functools.cache
def _v1() -> FilingModel:
    from . import model
    from .filings import parse_filing_v1

    def parse(source: Any, *, name: str = "", max_bytes: int | None = None) -> Any:
        if max_bytes is None:
            return parse_filing_v1(source, filename=name)
        return parse_filing_v1(source, filename=name, max_bytes=max_bytes)

    return FilingModel(
        filing=model.Filing,
        facts=model.FACTS,
        index=model.FACT_INDEX,
        vector=model.fact_vector,
        parse=parse,
        json_schema=model.filing_json_schema,
        decl=None,
    )


def model_for(decl: FactsDecl | None) -> FilingModel:
    """The filing model of a facts declaration (``None``: the v1 model), built once per digest."""
    if decl is None:
        return _v1()
    found = _BUILT.get(decl.digest)
    if found is not None:
        return found
    with _LOCK:
        found = _BUILT.get(decl.digest)
        if found is None:
            found = _BUILT[decl.digest] = _build(decl)
    return found


def _build(decl: FactsDecl) -> FilingModel:
    from . import v2

    module: types.ModuleType = v2
    if decl.digest != v2.DIGEST:
        module = _generated(decl)
    from .parse import parse_filing_v2

    filing_cls = module.Filing

    def parse(source: Any, *, name: str = "<filing>", max_bytes: int | None = None) -> Any:
        if max_bytes is None:
            return parse_filing_v2(source, name=name, model=filing_cls)
        return parse_filing_v2(source, name=name, model=filing_cls, max_bytes=max_bytes)

    return FilingModel(
        filing=filing_cls,
        facts=module.FACTS,
        index=module.FACT_INDEX,
        vector=module.fact_vector,
        parse=parse,
        json_schema=module.filing_json_schema,
        decl=decl,
        digest=decl.digest,
    )


def _generated(decl: FactsDecl) -> types.ModuleType:
    """The generator's module for ``decl``, executed in a fresh module of this package."""
    from .generate import generate

    source = generate(decl, "<declaration " + decl.digest[:12] + ">")
    name = f"{__package__}._declared_{decl.digest[:16]}"
    module = types.ModuleType(name, f"filing model of the facts declaration {decl.digest}")
    module.__package__ = __package__
    sys.modules[name] = module  # pydantic resolves the module's annotations through it
    try:
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module
