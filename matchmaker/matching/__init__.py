"""The matching engine: pure functions from a scored bipartite problem to a matching.

No I/O and no web imports: ``matching`` depends only on ``models``/``vocab``, numpy, scipy,
networkx and OR-Tools. ``solve`` is the entry; ``score`` turns features into scores.
"""

from matchmaker.matching.problem import Params, Problem, Solution, UnmatchedReason
from matchmaker.matching.solve import solve

__all__ = ["Params", "Problem", "Solution", "UnmatchedReason", "solve"]
