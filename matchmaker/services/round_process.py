"""A large round's own CPU work — its frozen graph and its explanation — in a process of its own.

The frozen graph (the scored input as the report stores it) depends only on the scored problem,
so a round starts making it as soon as its pairs are scored; at 50,000 × 10,000 it is 61 MB of
JSON, 0.8 s to encode and 0.6 s to compress. OR-Tools holds the GIL while it solves, and encoding
JSON and explaining hold it too, so in threads they would take turns with the solve and with the
event loop writing the proposals. In a helper process the graph is made on the other core while
the round is solved, and the explanation while the proposals are written. The helper keeps the
problem it froze, so the explanation needs only the chosen edges sent to it.

A small round does both in threads: starting a process costs more than it saves (and tests run
thousands of small rounds). Both ways give the same bytes and the same reasons; if the helper
cannot (it died, cannot start, or no longer holds the problem), the work is done here instead, so
a round never fails for it.

>>> fingerprint, graph_gz = await frozen(problem, params_doc, "optimal", key)  # doctest: +SKIP
>>> reasons = await explained(problem, params, chosen, edges, key)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import zlib
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from matchmaker.matching import Params, Problem, replay
from matchmaker.matching.explain import explain
from matchmaker.matching.problem import IntArray, UnmatchedReason
from matchmaker.matching.solve import eligible_edges

__all__ = [
    "OWN_PROCESS_EDGES", "close", "compressed", "explained", "frozen", "frozen_here", "helper_pid",
    "warm",
]  # fmt: skip

log = logging.getLogger(__name__)

#: Rounds with at least this many candidate edges do their own work in the helper process.
OWN_PROCESS_EDGES = 200_000
#: Problems the helper keeps for their explanation: one per round a worker runs at once, and some
#: rounds fail between freezing and explaining (their problem is then dropped oldest first).
KEPT = 4

_executor: ProcessPoolExecutor | None = None
#: In the helper: the problems frozen, by round key, until they are explained.
_kept: OrderedDict[str, Problem] = OrderedDict()


def _process() -> ProcessPoolExecutor:
    """The one helper process of this process, started the first time a large round asks (spawned,
    not forked: the server has threads, and a fork would copy their locks)."""
    global _executor
    if _executor is None:
        _executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    return _executor


def _ready() -> bool:
    return True


def warm(n_edges: int) -> None:
    """Start the helper ahead of a round of ``n_edges`` candidate pairs that will use it, while its
    pairs are scored: the helper's imports take about a second."""
    if n_edges >= OWN_PROCESS_EDGES:
        try:
            _process().submit(_ready)
        except (BrokenProcessPool, OSError, RuntimeError) as e:
            _lost(e)


def helper_pid() -> int | None:
    """The helper process's id, when one is running (for an operator, and for tests that kill
    it)."""
    processes = getattr(_executor, "_processes", None) or {}
    return next(iter(processes), None)


def close() -> None:
    """Stop the helper, if any (the next large round starts another)."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=True, cancel_futures=True)
        _executor = None


def _lost(e: BaseException) -> None:
    """The helper cannot go on: forget it (the next large round starts another)."""
    global _executor
    log.warning("round helper process failed (%r); doing its work here", e)
    _executor = None


def compressed(graph_json: bytes) -> bytes:
    """The graph's JSON as gzip, by Huffman coding alone: the JSON is mostly digits, so the
    string matching of gzip's fastest level finds little more (61 MB: 27.0 MB against 25.8) and
    takes a third longer (0.56 s against 0.44). Any gzip reader reads it."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31, 9, zlib.Z_HUFFMAN_ONLY)
    return packer.compress(graph_json) + packer.flush()


def frozen_here(problem: Problem, params_doc: dict[str, Any], algorithm: str) -> tuple[str, bytes]:
    """(fingerprint, compressed JSON) of the frozen graph, in the calling process."""
    graph_json = replay.document(problem, params_doc, algorithm)
    return hashlib.sha256(graph_json).hexdigest(), compressed(graph_json)


def _freeze_there(
    key: str, problem: Problem, params_doc: dict[str, Any], algorithm: str
) -> tuple[str, bytes]:
    """In the helper: freeze the problem and keep it for its explanation."""
    _kept[key] = problem
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return frozen_here(problem, params_doc, algorithm)


def _explain_there(key: str, params: Params, chosen: IntArray) -> list[UnmatchedReason] | None:
    """In the helper: explain the kept problem (None when it is no longer kept)."""
    problem = _kept.pop(key, None)
    if problem is None:
        return None
    return explain(problem, params, chosen, eligible_edges(problem, params))


async def _in_threads(
    problem: Problem, params_doc: dict[str, Any], algorithm: str
) -> tuple[str, bytes]:
    """As :func:`frozen_here`, off the event loop; hashing and compressing release the GIL, so
    they run side by side."""
    graph_json = await asyncio.to_thread(replay.document, problem, params_doc, algorithm)
    fingerprint, graph_gz = await asyncio.gather(
        asyncio.to_thread(lambda: hashlib.sha256(graph_json).hexdigest()),
        asyncio.to_thread(compressed, graph_json),
    )
    return fingerprint, graph_gz


def _own_process(problem: Problem) -> bool:
    return problem.n_edges >= OWN_PROCESS_EDGES


async def frozen(
    problem: Problem, params_doc: dict[str, Any], algorithm: str, key: str
) -> tuple[str, bytes]:
    """(fingerprint, compressed JSON) of the round's frozen graph: the SHA-256 of the JSON and the
    JSON gzip-compressed (:func:`compressed`). ``key`` names the round to :func:`explained`."""
    if not _own_process(problem):
        return await _in_threads(problem, params_doc, algorithm)
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            _process(), _freeze_there, key, problem, params_doc, algorithm
        )
    except (BrokenProcessPool, OSError) as e:
        _lost(e)
        return await _in_threads(problem, params_doc, algorithm)


async def explained(
    problem: Problem, params: Params, chosen: IntArray, edges: IntArray, key: str
) -> list[UnmatchedReason]:
    """Why each demand left with an open slot was not matched (``matching.explain``); a large
    round's in the helper that froze it under ``key`` (its eligible edges found there again)."""
    if _own_process(problem) and _executor is not None:
        loop = asyncio.get_running_loop()
        try:
            reasons = await loop.run_in_executor(_executor, _explain_there, key, params, chosen)
        except (BrokenProcessPool, OSError) as e:
            _lost(e)
        else:
            if reasons is not None:
                return reasons
    return await asyncio.to_thread(explain, problem, params, chosen, edges)
