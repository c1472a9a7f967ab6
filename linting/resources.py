"""The compiled data a Linter works with: packs and glossaries, loaded once."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .packs import Pack

if TYPE_CHECKING:
    from .glossary import GlossarySet


@dataclass
class Resources:
    packs: dict[str, Pack]
    glossary: "GlossarySet"
    cache: dict = field(default_factory=dict)  # per-pack compiled patterns, filled by rules

    def compiled(self, key, build):
        """Memoise work that depends only on packs/glossaries (e.g. ID regexes)."""
        try:
            return self.cache[key]
        except KeyError:
            value = self.cache[key] = build()
            return value
