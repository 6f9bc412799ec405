"""Synthetic marketplaces of any size, for benchmarks of matching and search.

The demo data holds two dozen communities; the matching engine and the search have to be measured on
hundreds of thousands of demands. :func:`generate` writes districts, towns, communities, partners
(actors and the districts they serve) and demands that look like the real thing: codes from the
vocabularies, common and rare categories, Chinese titles and descriptions that jieba segments.

* **Apart from real data.** Everything lives in its own geography (city 合成市, districts
  ``合成区S{seed}-001`` …), so it never mixes with the demo data and is easy to find and delete.
* **Reproducible.** Every value comes from ``numpy.random.default_rng(seed)``: the same seed writes
  the same rows (ids aside, when the tables already hold rows). Demand windows are relative to
  ``today``, which defaults to the day of the run.
* **Fast and all-or-nothing.** Ids are reserved from the tables' sequences up front, so every table
  goes in with one binary ``COPY``, all in one transaction: a failure leaves nothing behind.
* **Cheap text.** Titles and descriptions are composed from a few hundred fragments, and the
  ``search_text`` of a row is the union of its fragments' tokens, so jieba segments each fragment
  once (``segment.tokens`` is cached) instead of every one of 100,000 titles.

>>> report = await generate(conn, demands=1000, seed=7)  # doctest: +SKIP
>>> report.rows["demands"]
1000
>>> print(report.summary())  # doctest: +SKIP
synthetic data for seed 7: 1,128 rows in 0.21 s (5,371 rows/s)
...
"""

from matchmaker.synthetic.vocabulary import DEFAULT_REMOTE_SHARE
from matchmaker.synthetic.writer import SyntheticReport, generate

__all__ = ["DEFAULT_REMOTE_SHARE", "SyntheticReport", "generate"]
