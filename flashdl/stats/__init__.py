"""Statistics: SQL aggregates over the store (queries) and their text rendering (render)."""
