"""The checks, one module per check type, each with check(inp) (and optionally
check_as_written(inp)); the rules they report are records in <category>.toml
beside them, loaded by `linting.registry`."""
