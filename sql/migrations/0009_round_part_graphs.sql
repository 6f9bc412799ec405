-- A part of a split round keeps its frozen graph apart from its result: the part that writes the
-- round reads every part's result (proposal rows, reasons), never every part's graph, which at
-- province scale would be tens of millions of edges in one process. The round's graph is read
-- back part by part (GET /rounds/{id}/graph?part=N) or assembled when asked for whole.
ALTER TABLE round_parts ADD COLUMN graph_gz bytea;
