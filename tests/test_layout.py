"""The package layout: one sub-package per pipeline stage, no import cycles, no import upstream.

The graph is read from the source (``ast``), so it counts every import: at module level, inside
functions (lazy) and under ``TYPE_CHECKING``. A stage may import itself and the stages before it:

    root (errors, _yaml) <- facts <- rules <- engine <- verdict <- analysis | testing | batch
        <- service <- cli

``rongcuo/__init__.py`` (the public API) may import anything; nothing imports it back.
``rongcuo.strategies`` is the public path of the testing kit's strategies, so it is ``testing``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rongcuo

PACKAGE = Path(rongcuo.__file__).parent

STAGES = {
    "root": 0,
    "facts": 1,
    "rules": 2,
    "engine": 3,
    "verdict": 4,
    "analysis": 5,
    "testing": 5,
    "batch": 5,
    "service": 6,
    "cli": 7,
    "api": 8,
}

# Imports against the stage order that the code needs today, each for a stated reason. The list
# is exact: a new one fails the test, and so does one that is no longer made (remove it here).
ALLOWED_UPSTREAM = {
    # loading compiles the predicates (Ruleset.program) and runs each clause's examples on them
    ("rongcuo.rules.load", "rongcuo.engine.evaluate"),
    # the type of Ruleset.program (under TYPE_CHECKING only)
    ("rongcuo.rules.ruleset", "rongcuo.engine.evaluate"),
    # the compiled-ruleset cache stores the clauses' generated code and runs it on a hit
    ("rongcuo.rules.cache", "rongcuo.engine.codegen"),
    # the decision builds the Verdict, and hashes its receipt when first read
    ("rongcuo.engine.decide", "rongcuo.verdict.verdict"),
    ("rongcuo.engine.decide", "rongcuo.verdict.receipt"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["rongcuo", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str) -> set[str]:
    """The rongcuo modules that module ``name`` imports."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "rongcuo")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            if source.split(".")[0] != "rongcuo":
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                # ``from pkg import module`` imports the module; ``from mod import name``, mod
                out.add(sub if sub in MODULES else source)
    unknown = out - MODULES.keys()
    assert not unknown, f"{name} imports modules that do not exist: {sorted(unknown)}"
    out.discard(name)
    return out


GRAPH = {name: _imports(name) for name in MODULES}


def _stage(name: str) -> str:
    if name == "rongcuo":
        return "api"
    parts = name.split(".")
    if name == "rongcuo.strategies":
        return "testing"
    if len(parts) == 2 and not _is_package(name):
        return "root"
    return parts[1]


def test_every_module_is_in_a_stage() -> None:
    assert {_stage(m) for m in MODULES} <= STAGES.keys()
    assert {m for m in MODULES if _stage(m) == "root"} == {
        "rongcuo.errors",
        "rongcuo._yaml",
        "rongcuo._version",
        "rongcuo._guard",
        "rongcuo.reader",
        "rongcuo._backends",
    }


def test_no_import_cycles() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_stage_imports_a_later_one() -> None:
    upstream = set()
    for name, targets in GRAPH.items():
        for target in targets:
            a, b = _stage(name), _stage(target)
            if STAGES[b] > STAGES[a] or (STAGES[b] == STAGES[a] and a != b):
                upstream.add((name, target))
    assert upstream - ALLOWED_UPSTREAM == set(), "imports against the stage order"
    assert ALLOWED_UPSTREAM - upstream == set(), "allowed but no longer made: drop from the list"


def test_nothing_imports_the_public_api_package() -> None:
    assert [m for m, targets in GRAPH.items() if "rongcuo" in targets] == []


def test_the_graph_sees_imports() -> None:
    # guards the checks above against a graph that is silently empty
    assert "rongcuo.engine.evaluate" in GRAPH["rongcuo.engine.decide"]
    assert "rongcuo.cli._common" in GRAPH["rongcuo.cli.screen"]
    assert "rongcuo.batch.screen" in GRAPH["rongcuo.cli.screen"]
    assert "rongcuo._yaml" in GRAPH["rongcuo.facts.filings"]
