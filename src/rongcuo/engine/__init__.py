"""Evaluation and decision: three-valued evaluation of clause predicates (:mod:`.evaluate`),
the same as generated Python (:mod:`.codegen`), and the negatives-first decision that makes a
verdict (:mod:`.decide`: ``evaluate``).
"""
