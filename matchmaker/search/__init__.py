"""Search that finds what people mean: what each row is indexed from (:mod:`.index`), how a query
becomes a ``tsquery`` with synonyms (:mod:`.query`), and the coordinators' synonym groups
(:mod:`.synonyms`)."""
