"""The compiled-ruleset cache: a ruleset loaded once is not parsed, checked and tried again.

Loading a ruleset parses its YAML with positions, checks every test against the filing model and
runs every clause example; that takes about half a second for the bundled rules. A ruleset that
loaded cleanly is stored here, keyed by a SHA-256 over the rongcuo version, a stamp of rongcuo's
own code (each module's path, size and modification time), the Python version, the ruleset's
origin and the exact bytes of every rule file. Any change to a rule file, or to rongcuo, gives a
new key, so the rules are checked again (clause examples included) exactly when they changed.

An entry holds what the ruleset is built from (metadata, documents, the frozen clause tree,
consequences), its digest, and the clauses' generated code (:mod:`rongcuo.engine.codegen`: the
module's code object, marshalled for this Python, and its constants; the key names the Python
version). On a hit the closures are made again, the generated code is run rather than generated
and compiled again (:func:`rongcuo.engine.codegen.prebuilt`), and the ruleset is built by its
constructor, which recomputes the digest: an entry that cannot be read, was written for another
key, or whose digest does not match, is ignored, and the ruleset is loaded (parsed, checked, its
examples run) and stored afresh. Generated code that does not run again is generated afresh.
Entries are written atomically (a temporary file, then a rename).

Where: ``$RONGCUO_CACHE_DIR`` when set, else the platform's user cache directory
(``platformdirs``: ``~/.cache/rongcuo`` on Linux). ``RONGCUO_CACHE=off`` (or ``0``, ``no``) turns
the cache off. Entries are pickles: the cache directory must be writable only by its user, as any
user cache is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from .ruleset import Ruleset

__all__ = ["cache_dir", "cache_key", "cached_load", "enabled"]

#: bumped when the layout of an entry changes
ENTRY_FORMAT: Final = 2
_OFF: Final = frozenset({"0", "off", "no", "false"})
_PACKAGE: Final = Path(__file__).resolve().parents[1]


def enabled() -> bool:
    """Whether the cache is on (``RONGCUO_CACHE=off`` turns it off)."""
    return os.environ.get("RONGCUO_CACHE", "").strip().lower() not in _OFF


def cache_dir() -> Path:
    """``$RONGCUO_CACHE_DIR``, else the platform's user cache directory for rongcuo."""
    configured = os.environ.get("RONGCUO_CACHE_DIR")
    if configured:
        return Path(configured)
    if sys.platform == "linux":  # platformdirs' answer on Linux, without importing it (~20 ms)
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return (Path(xdg) if xdg else Path("~/.cache").expanduser()) / "rongcuo"
    import platformdirs

    return Path(platformdirs.user_cache_dir("rongcuo", appauthor=False))


def _code_stamp() -> bytes:
    """rongcuo's own code, cheaply: each module's path, size and mtime (a rebuilt or edited
    module changes it)."""
    h = hashlib.sha256()
    pending = [str(_PACKAGE)]
    while pending:  # os.scandir's entries carry their stat: no path objects, one call a file
        root = pending.pop()
        with os.scandir(root) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append(entry.path)
            elif entry.name.endswith(".py"):
                st = entry.stat()
                h.update(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.digest()


def cache_key(texts: Mapping[str, bytes | str], origin: str) -> str:
    """The key of a ruleset's entry: rongcuo's version and code, Python, origin and file bytes."""
    from .._version import __version__

    h = hashlib.sha256()
    h.update(f"rongcuo {__version__} entry {ENTRY_FORMAT} python {sys.version}\n".encode())
    h.update(_code_stamp())
    h.update(origin.encode("utf-8", "surrogateescape") + b"\x00")
    for name in sorted(texts):
        data = texts[name]
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        h.update(f"{name}\x00{len(raw)}\x00".encode("utf-8", "surrogateescape"))
        h.update(raw)
    return h.hexdigest()


def _params() -> list[str]:
    """The data a Ruleset is built from: its constructor's parameters but the program."""
    code = Ruleset.__init__.__code__  # its signature, without importing inspect (~10 ms)
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    return [n for n in names if n not in ("self", "program")]


def _state(ruleset: Ruleset) -> dict[str, Any]:
    """What the ruleset was built from (read-only maps as plain dicts), by parameter name."""
    state: dict[str, Any] = {}
    for name in _params():
        value = getattr(ruleset, name)
        state[name] = dict(value) if isinstance(value, types.MappingProxyType) else value
    return state


def _restore(
    state: Mapping[str, Any],
    digest: object,
    facts: object,
    compile_: Callable[..., Any],
    generated: bytes | None = None,
) -> Ruleset | None:
    """The ruleset built again from its stored data by the constructor (which recomputes its
    digest), its clauses' ``generated`` code run rather than made again; ``None`` when the data
    no longer fits it or hashes to another digest."""
    if set(state) != set(_params()):
        return None
    from ..engine import codegen

    clauses: Sequence[Any] = state["clauses"]
    with contextlib.nullcontext() if generated is None else codegen.prebuilt(generated):
        program = compile_(clauses) if facts is None else compile_(clauses, facts)
    ruleset = Ruleset(**state, program=program)
    return ruleset if ruleset.digest == digest else None


def _facts_of(ruleset: Ruleset) -> object:
    """What the program was compiled with besides the clauses (a v2 facts declaration), if any."""
    catalogue = getattr(ruleset.program, "catalogue", None)
    return getattr(catalogue, "decl", None)


def cached_load(
    texts: Mapping[str, bytes | str],
    origin: str,
    *,
    load: Callable[..., Ruleset],
    compile_: Callable[..., Any],
) -> Ruleset:
    """``load(texts, origin=origin)``, or its result from the cache.

    ``compile_(clauses[, facts])`` compiles the predicates of a cached ruleset (``Program``)."""
    if not enabled():
        return load(texts, origin=origin)
    key = cache_key(texts, origin)
    path = cache_dir() / f"ruleset-{key[:40]}.pickle"
    try:
        with path.open("rb") as fh:
            entry = pickle.load(fh)
        if (
            isinstance(entry, dict)
            and entry.get("format") == ENTRY_FORMAT
            and entry.get("key") == key
        ):
            hit = _restore(
                entry["state"], entry["digest"], entry["facts"], compile_, entry["generated"]
            )
            if hit is not None:
                return hit
    except FileNotFoundError:
        pass
    except Exception:  # a corrupt or foreign entry is never trusted: load afresh, overwrite it
        pass
    ruleset = load(texts, origin=origin)  # raises RulesError for a bad ruleset: nothing stored
    entry = {
        "format": ENTRY_FORMAT,
        "key": key,
        "digest": ruleset.digest,
        "state": _state(ruleset),
        "facts": _facts_of(ruleset),
        "generated": _generated(ruleset),
    }
    _store(path, entry)
    return ruleset


def _generated(ruleset: Ruleset) -> bytes | None:
    """The ruleset's generated clause code, to be run again on a hit (``None``: made again)."""
    from ..engine import codegen

    compiled = getattr(ruleset.program, "compiled", None)
    return None if compiled is None else codegen.freeze(compiled)


def _store(path: Path, entry: dict[str, Any]) -> None:
    """Write atomically; a cache that cannot be written is skipped, never an error."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
