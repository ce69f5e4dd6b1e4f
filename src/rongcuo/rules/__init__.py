"""Rule files to a checked, frozen rule tree: the rule language (:mod:`.syntax`), loading the
YAML (:mod:`.load`), static checks against the filing model (:mod:`.check`), and the
:class:`~.ruleset.Ruleset`.
"""
