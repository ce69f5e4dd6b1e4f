"""The public surface is small and pinned: adding or removing a name is a deliberate act."""

from __future__ import annotations

import rongcuo


def test_all_is_pinned() -> None:
    assert sorted(rongcuo.__all__) == sorted(
        [
            "Filing",
            "FilingError",
            "Location",
            "Problem",
            "RongcuoError",
            "Ruleset",
            "RulesError",
            "Status",
            "Truth",
            "Verdict",
            "VerdictError",
            "__version__",
            "bundled_ruleset",
            "evaluate",
            "evaluate_many",
            "filing_json_schema",
            "load_filing",
            "load_ruleset",
            "load_ruleset_texts",
            "next_questions",
            "parse_filing",
            "render_text",
            "verify",
        ]
    )


def test_every_public_name_exists_and_is_documented() -> None:
    for name in rongcuo.__all__:
        obj = getattr(rongcuo, name)
        if callable(obj):
            assert obj.__doc__, f"{name} has no docstring"


def test_error_tree_subclasses_valueerror() -> None:
    for cls in (rongcuo.RulesError, rongcuo.FilingError, rongcuo.VerdictError):
        assert issubclass(cls, rongcuo.RongcuoError)
        assert issubclass(cls, ValueError)


def test_py_typed_marker_ships() -> None:
    from importlib import resources

    assert resources.files("rongcuo").joinpath("py.typed").is_file()
