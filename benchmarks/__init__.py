"""Benchmarks: run with `make bench` (python -m benchmarks); not part of `make test`."""
