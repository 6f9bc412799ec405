"""The seeded lottery that breaks ties: the same seed gives every pair the same ticket.

Breaking ties by id quietly favours older records; a lottery does not. Each (demand, partner) pair
draws a ticket from a hash of (seed, demand id, partner id) — splitmix64, vectorised — so a pair's
ticket does not depend on which other pairs are in the round, and anyone holding the seed (it is
recorded with the round) can draw the same tickets again. A lower ticket wins a tie.

>>> a = tickets(7, np.array([1, 2]), np.array([5, 5]))
>>> bool((a == tickets(7, np.array([1, 2]), np.array([5, 5]))).all()), bool(a[0] != a[1])
(True, True)
"""

from __future__ import annotations

import numpy as np

from matchmaker.matching.problem import IntArray

__all__ = ["MAX_SEED", "tickets"]

MAX_SEED = 2**31 - 1
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return np.asarray(x ^ (x >> np.uint64(31)))


def tickets(seed: int, demand_ids: IntArray, actor_ids: IntArray) -> IntArray:
    """A ticket in [0, 2⁶³) for each (demand id, actor id) pair under ``seed``."""
    d = np.asarray(demand_ids).astype(np.uint64)
    a = np.asarray(actor_ids).astype(np.uint64)
    with np.errstate(over="ignore"):
        x = _mix(_mix(np.full(len(d), seed, dtype=np.uint64)) ^ d)
        x = _mix(x ^ (a * _GOLDEN))
    return np.asarray(x >> np.uint64(1), dtype=np.int64)
