"""Multi-step work that spans queries and the engine, each in one transaction."""
