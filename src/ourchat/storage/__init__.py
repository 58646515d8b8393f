"""SQL storage: table definitions, the engine, units of work and per-area query functions."""
