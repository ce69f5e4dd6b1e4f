"""The verdict: its model (:mod:`.verdict`), its text in Chinese or English (:mod:`.render`),
its receipt (:mod:`.receipt`) and the check of a stored verdict (:mod:`.verify`).
"""
