"""Analyses of rulesets: the z3 encoding (:mod:`.solver`), semantic diff (:mod:`.diff`) and its
HTML report (:mod:`.report_html`), lint (:mod:`.lint`), MC/DC coverage of cases
(:mod:`.coverage`) and the generated docs (:mod:`.docgen`).
"""
