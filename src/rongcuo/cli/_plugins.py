"""pydantic's plugin lookup, skipped when no installed distribution declares a plugin.

pydantic looks for plugins (entry points of the group ``pydantic``) when it makes its first
validator, in ``pydantic.plugin._loader``, which imports :mod:`importlib.metadata` (``email``,
``zipfile`` and more) and reads every installed distribution's entry points: more than a
plain ``rongcuo check`` spends on its filing. The command line owns its process, so before
pydantic looks, :func:`skip_lookup_without_plugins` looks more cheaply itself, in the same places
(every ``*.dist-info`` and ``*.egg-info`` directory, and the ``EGG-INFO`` of an ``.egg``, of
every directory on ``sys.path``), and when it finds no ``entry_points.txt`` that mentions
``pydantic`` at all, stands in for ``pydantic.plugin._loader`` with a module whose
``get_plugins()`` answers what pydantic's would: no plugins.

Whenever it cannot be sure it does nothing, and pydantic looks as usual: a plugin declared, a
zip file on ``sys.path`` (which can hold distributions), an import hook that finds
distributions of its own, pydantic's loader already imported. A name the stand-in lacks is
taken from pydantic's own loader, imported then (a later pydantic using more of it still
works). The library never does this: only the ``rongcuo`` command, in its own process.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from typing import Any

__all__ = ["skip_lookup_without_plugins"]

_LOADER = "pydantic.plugin._loader"
_GROUP = b"pydantic"


def skip_lookup_without_plugins() -> bool:
    """Stand in for pydantic's plugin loader when no plugin can be installed; ``True`` if so."""
    if _LOADER in sys.modules or not _no_plugin_declared():
        return False
    sys.modules[_LOADER] = _StandIn(_LOADER, __doc__)
    return True


class _StandIn(types.ModuleType):
    """``pydantic.plugin._loader`` where no distribution declares a pydantic plugin."""

    PYDANTIC_ENTRY_POINT_GROUP = "pydantic"
    _plugins: dict[str, Any] = {}  # noqa: RUF012 (the loader's cache: found none)
    _loading_plugins = False

    @staticmethod
    def get_plugins() -> tuple[()]:
        """No plugins: none is declared (pydantic's answer, with or without
        ``PYDANTIC_DISABLE_PLUGINS``)."""
        return ()

    def __getattr__(self, name: str) -> Any:
        # a name pydantic's loader has and this one does not: pydantic's own loader, from now on
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get(_LOADER) is self:
            del sys.modules[_LOADER]
        import importlib

        return getattr(importlib.import_module(_LOADER), name)


def _no_plugin_declared() -> bool:
    """Whether, certainly, no distribution importlib.metadata would find declares an entry
    point that mentions pydantic."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:  # only the path finder finds distributions (or say so)
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False
    for entry in sys.path:
        root = entry or "."
        try:
            with os.scandir(root) as listing:
                names = [e.name for e in listing]
        except NotADirectoryError:
            return False  # a zip file: it may hold distributions
        except OSError:
            continue  # not there (importlib.metadata skips it too)
        if root.lower().endswith(".egg") and _mentions(Path(root, "EGG-INFO")):
            return False
        for name in names:
            low = name.lower()
            if low.endswith((".dist-info", ".egg-info")) and _mentions(Path(root, name)):
                return False
            if low == "egg-info" and _mentions(Path(root, name)):
                return False
    return True


def _mentions(info: Path) -> bool:
    """Whether the metadata directory ``info`` declares entry points that mention pydantic (or
    cannot be read: then it might)."""
    from .. import reader
    from ..errors import RongcuoError

    declared = info / "entry_points.txt"
    if not declared.is_file():  # (as importlib.metadata: no such file, no entry points)
        return False
    try:
        return _GROUP in reader.read_file(declared, limit=1 << 20).lower()
    except RongcuoError:
        return True
