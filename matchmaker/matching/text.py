"""Text similarity for short Chinese texts: character n-grams weighted over the whole library.

Word-level segmentation rarely lets two short texts share a word (长者助餐 vs 老年食堂), but they
share characters and character pairs. A :class:`TextModel` is fitted once on every text of the
library — all needs and every organisation's profile — so an n-gram's weight (its inverse document
frequency) is the same in a district round, a city round and on the board: a pair scores the same
in every view while the library stays the same. A text is its set of CJK characters (weighted
``UNIGRAM_WEIGHT``) and its pairs of adjacent characters (letters and digits too); similarity is
the cosine of the two weighted sets. Everything is vectorised: texts become one array of code
points, n-grams integer keys, a document × n-gram sparse matrix.

>>> model = TextModel.fit(["老年食堂助餐", "儿童托管", "社区长者助餐服务"])
>>> sims = model.similarity(["长者助餐"], ["社区长者助餐服务", "儿童托管"], [0, 0], [0, 1])
>>> bool(sims[0] > 0.5), float(sims[1])
(True, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matchmaker.matching.arrays import distinct, distinct_counts
from matchmaker.matching.problem import FloatArray, IntArray

__all__ = ["UNIGRAM_WEIGHT", "TextModel", "ngram_pairs"]

#: A shared character says less than a shared pair of characters.
UNIGRAM_WEIGHT = 0.5
_SHIFT = 21  # code points fit in 21 bits; a pair is (first << 21) | second, a unigram has no first
_BLOCK_CELLS = 4_000_000


def _kept(cp: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Characters that carry meaning: CJK ideographs, ASCII letters and digits."""
    cjk = (cp >= 0x3400) & (cp <= 0x9FFF)
    alnum = ((cp >= 0x30) & (cp <= 0x39)) | ((cp >= 0x61) & (cp <= 0x7A))
    return np.asarray(cjk | alnum)


def _ngrams(texts: Sequence[str]) -> tuple[IntArray, IntArray]:
    """(document index, n-gram key) of every n-gram of every text, repeats included, by document."""
    if not texts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    joined = "\x00".join(texts).lower()
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc = np.cumsum(cp == 0)
    kept = _kept(cp)
    cjk = kept & (cp >= 0x3400)
    uni = np.flatnonzero(cjk)
    bi = np.flatnonzero(kept[:-1] & kept[1:])
    docs = np.concatenate([doc[uni], doc[bi]])
    keys = np.concatenate([cp[uni], (cp[bi] << _SHIFT) | cp[bi + 1]])
    return docs, keys


def ngram_pairs(texts: Sequence[str]) -> tuple[IntArray, IntArray]:
    """(document index, n-gram key) of every distinct n-gram of every text, sorted by document.

    Unigram keys are a CJK code point; bigram keys put the first character in the high bits.
    """
    docs, keys = _ngrams(texts)
    combined = distinct((docs << 43) | keys)
    return combined >> 43, combined & ((1 << 43) - 1)


def _unit(m: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row of the weighted n-gram matrix scaled to unit length (an empty row stays empty)."""
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m)


@dataclass(frozen=True)
class TextModel:
    """N-gram weights fitted on a corpus: sorted ``keys`` and each one's ``weight`` (idf × kind)."""

    keys: IntArray
    weight: FloatArray
    documents: int
    revision: str = ""
    #: The corpus' own vectors and each text's row among them (``fit`` fills them): a round's
    #: texts are the library's, so their vectors are looked up rather than built every time.
    corpus_rows: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    corpus_vectors: sparse.csr_matrix | None = field(default=None, compare=False, repr=False)

    @classmethod
    def fit(
        cls, corpus: Sequence[str], revision: str = "", *, keep_vectors: bool = False
    ) -> TextModel:
        """Weights from document frequencies over ``corpus``: idf = ln((1 + N) / (1 + df)) + 1.

        ``keep_vectors`` keeps the corpus' vectors too (about 12 bytes an n-gram of each text:
        some 70 MB for 60,000 texts), for a process that scores whole rounds.
        """
        docs, keys = ngram_pairs(corpus)
        unique, df = distinct_counts(keys)
        n = len(corpus)
        idf = np.log((1 + n) / (1 + df)) + 1
        kind = np.where(unique < (1 << _SHIFT), UNIGRAM_WEIGHT, 1.0)
        weight = np.asarray(idf * kind, np.float64)
        if not keep_vectors:
            return cls(unique, weight, n, revision)
        # the corpus' vectors from its distinct n-grams, already sorted by text then key: the
        # matrix ``built`` arrives at once it has merged repeats, without reading the texts again
        col = np.searchsorted(unique, keys)
        counts = np.bincount(docs, minlength=n) if n else np.zeros(0, np.int64)
        indptr = np.concatenate([[0], np.cumsum(counts)])
        m = sparse.csr_matrix((weight[col], col, indptr), shape=(n, max(len(unique), 1)))
        rows: dict[str, int] = {}
        for i, text in enumerate(corpus):
            rows.setdefault(text, i)
        return cls(unique, weight, n, revision, rows, _unit(m))

    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit-length weighted n-gram vectors of ``texts``; n-grams outside the corpus are dropped.

        A text of the corpus takes its row of the corpus' vectors (each row is computed from its
        own text alone, so it is the same row either way); the others are built (``built``).
        """
        if self.corpus_vectors is None:
            return self.built(texts)
        rows = np.fromiter((self.corpus_rows.get(t, -1) for t in texts), np.int64, len(texts))
        missing = np.flatnonzero(rows < 0)
        if len(missing) == 0:
            return sparse.csr_matrix(self.corpus_vectors[rows])
        rows[missing] = self.corpus_vectors.shape[0] + np.arange(len(missing))
        fresh = self.built([texts[i] for i in missing.tolist()])
        return sparse.csr_matrix(sparse.vstack([self.corpus_vectors, fresh], format="csr")[rows])

    def built(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The vectors of ``texts`` computed from the texts.

        A text is the *set* of its n-grams: repeats are merged by the sparse matrix itself (its
        indices sorted, so each row is laid out as the distinct n-grams in key order would be),
        and every entry then takes its n-gram's weight — no sort of every n-gram of every text.
        """
        docs, keys = _ngrams(texts)
        col = np.searchsorted(self.keys, keys)
        col = np.minimum(col, max(len(self.keys) - 1, 0))
        # a model of an empty library knows no n-gram (and has no key to compare with)
        known = (
            (self.keys[col] == keys) if len(keys) and len(self.keys) else np.zeros(len(keys), bool)
        )
        docs, col = docs[known], col[known]
        m = sparse.csr_matrix(
            (np.ones(len(col)), (docs, col)),
            shape=(len(texts), max(len(self.keys), 1)),
            dtype=np.float64,
        )
        m.sum_duplicates()
        m.data = self.weight[m.indices]
        return _unit(m)

    def similarity(
        self,
        demand_texts: Sequence[str],
        partner_texts: Sequence[str],
        edge_demand: IntArray | Sequence[int],
        edge_partner: IntArray | Sequence[int],
        blocks: IntArray | None = None,
    ) -> FloatArray:
        """Cosine of each edge's demand and partner texts, in [0, 1].

        ``blocks`` groups edges (a round passes each demand's district), so each group's
        similarities come from one small product of its demands × its partners. Exact either way.
        """
        ed = np.asarray(edge_demand, dtype=np.int64)
        ep = np.asarray(edge_partner, dtype=np.int64)
        sims = np.zeros(len(ed))
        if len(ed) == 0:
            return sims
        dn, pn = self.vectors(demand_texts), self.vectors(partner_texts)
        keys = np.zeros(len(ed), dtype=np.int64) if blocks is None else np.asarray(blocks)
        order = np.argsort(keys, kind="stable")
        for idx in np.split(order, np.flatnonzero(np.diff(keys[order])) + 1):
            d, p = ed[idx], ep[idx]
            ds, d_at = np.unique(d, return_inverse=True)
            ps, p_at = np.unique(p, return_inverse=True)
            if len(ds) * len(ps) <= _BLOCK_CELLS:
                block = (dn[ds] @ pn[ps].T).toarray()
                sims[idx] = block[d_at, p_at]
            else:
                sims[idx] = np.asarray(dn[d].multiply(pn[p]).sum(axis=1)).ravel()
        return np.asarray(np.clip(sims, 0, 1), dtype=np.float64)
