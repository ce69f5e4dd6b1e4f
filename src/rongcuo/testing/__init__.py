"""The testing kit: Hypothesis strategies (:mod:`.strategies`, public as
:mod:`rongcuo.strategies`) and the durable-rules second evaluator (:mod:`.durable`).
"""
