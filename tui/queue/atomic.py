"""Atomic writes for the queue: the linter's single implementation (replydesk.linting.atomicfile)."""
from __future__ import annotations

from replydesk.linting.atomicfile import atomic_write_bytes, atomic_write_text

__all__ = ["atomic_write_bytes", "atomic_write_text"]
