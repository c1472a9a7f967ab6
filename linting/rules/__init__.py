"""Rule families, one module per category. Each module exposes RULES (the
codes it can report, with their documentation) and check(inp)."""
