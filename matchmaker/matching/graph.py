"""The round as a networkx graph: demands and partners joined by candidate edges.

networkx is the graph model: it builds the bipartite graph (plus a node per community when
communities couple their demands — a cap per community, or coverage counting communities served),
splits it into connected components (regional rounds fall apart into independent regions), and
serves analysis and explanations. Solving happens per component in :mod:`matching.flow`.
A round's hot path finds the same components with :func:`component_groups` (scipy's sparse
graph routines over the edge arrays, no Python object per node), in networkx's order, so it
solves exactly the groups the networkx model gives — a test holds the two equal.

Nodes are integers: demand ``i`` is ``i``, partner ``j`` is ``n_demands + j``, community ``k`` is
``n_demands + n_partners + k``.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 8], partner_ids=[5, 6],
...                   capacity=[1, 1], edges=[(0, 0, 0.9), (1, 1, 0.4)])
>>> len(component_edges(p, np.arange(2), build_graph(p, np.arange(2), with_communities=False)))
2
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matchmaker.matching.arrays import distinct
from matchmaker.matching.problem import IntArray, Problem

__all__ = ["build_graph", "component_edges", "component_groups", "components", "summary"]


def build_graph(problem: Problem, edges: IntArray, *, with_communities: bool) -> nx.Graph:
    """The candidate graph over ``edges`` (positions), with community nodes when asked."""
    graph = nx.Graph()
    offset = problem.n_demands
    graph.add_edges_from(
        zip(
            problem.edge_demand[edges].tolist(),
            (offset + problem.edge_partner[edges]).tolist(),
            strict=True,
        )
    )
    if with_communities and len(edges):
        demands = distinct(problem.edge_demand[edges])
        _, community_index = np.unique(problem.communities[demands], return_inverse=True)
        base = problem.n_demands + problem.n_partners
        graph.add_edges_from(zip((base + community_index).tolist(), demands.tolist(), strict=True))
    return graph


def components(graph: nx.Graph) -> list[set[int]]:
    """The graph's connected components (node sets), found once for every use of them."""
    return list(nx.connected_components(graph))


def component_edges(
    problem: Problem, edges: IntArray, graph: nx.Graph, found: list[set[int]] | None = None
) -> list[IntArray]:
    """``edges`` grouped by the connected component they lie in, largest component first
    (``found``: the graph's components, when already known)."""
    if len(edges) == 0:
        return []
    label = np.full(problem.n_demands, -1, dtype=np.int64)
    for k, nodes in enumerate(components(graph) if found is None else found):
        members = np.fromiter((n for n in nodes if n < problem.n_demands), dtype=np.int64)
        label[members] = k
    return _group_by(edges, label[problem.edge_demand[edges]])


def summary(graph: nx.Graph, found: list[set[int]] | None = None) -> dict[str, int]:
    """Size of the graph and of its largest component, for a round's statistics."""
    found = components(graph) if found is None else found
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "components": len(found),
        "largest_component_nodes": max((len(c) for c in found), default=0),
    }


def _group_by(edges: IntArray, edge_label: IntArray) -> list[IntArray]:
    """``edges`` grouped by label (each group in input order), largest group first."""
    order = np.argsort(edge_label, kind="stable")
    groups = np.split(edges[order], np.flatnonzero(np.diff(edge_label[order])) + 1)
    return sorted(groups, key=len, reverse=True)


def component_groups(
    problem: Problem, edges: IntArray, *, with_communities: bool
) -> tuple[list[IntArray], dict[str, int]]:
    """What ``component_edges`` and ``summary`` give for the graph ``build_graph`` would build —
    the same groups in the same order — found on the edge arrays alone.

    networkx numbers components in the order their first node was added, which is the order of
    each component's first edge in ``edges`` (community links only join demands already there);
    the components are ranked that way here before the same stable sort by size.
    """
    if len(edges) == 0:
        return [], {"nodes": 0, "edges": 0, "components": 0, "largest_component_nodes": 0}
    nd, n_p = problem.n_demands, problem.n_partners
    ed = problem.edge_demand[edges]
    tails, heads = [ed], [nd + problem.edge_partner[edges]]
    n_nodes = nd + n_p
    if with_communities:
        demands = distinct(ed)
        _, community_index = np.unique(problem.communities[demands], return_inverse=True)
        tails.append(n_nodes + community_index)
        heads.append(demands)
        n_nodes += int(community_index.max()) + 1
    t, h = np.concatenate(tails), np.concatenate(heads)
    links = distinct(np.minimum(t, h) * n_nodes + np.maximum(t, h))
    adjacency = coo_matrix((np.ones(len(t), np.int8), (t, h)), shape=(n_nodes, n_nodes))
    _, label = connected_components(adjacency, directed=False)
    present = np.zeros(n_nodes, dtype=bool)
    present[t] = present[h] = True
    node_label = label[present]
    # rank labels by their first edge, as networkx numbers them
    edge_label = label[ed]
    labels, first = np.unique(edge_label, return_index=True)
    rank = np.zeros(len(label), dtype=np.int64)
    rank[labels[np.argsort(first)]] = np.arange(len(labels))
    sizes = np.bincount(node_label)
    shape = {
        "nodes": int(present.sum()),
        "edges": len(links),
        "components": int((sizes > 0).sum()),
        "largest_component_nodes": int(sizes.max()),
    }
    return _group_by(edges, rank[edge_label]), shape
