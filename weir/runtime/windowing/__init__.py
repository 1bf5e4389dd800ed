"""Windows: assigners, triggers, evictors and the window operator (keyed and non-keyed)."""
