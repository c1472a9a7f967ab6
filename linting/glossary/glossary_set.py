"""GlossarySet: every loaded glossary, compiled once, scanned many times (thread-safe, pure)."""
from __future__ import annotations

from .korean import KoreanMorphology
from .matcher import CompiledGlossary, collector_paused
from .model import Entry, GlossaryFile, TermHit


class GlossarySet:
    """What the linter asks of the glossaries: hits in a text, and the templates in scope."""

    def __init__(self, files: list[GlossaryFile] | None = None, morphology: KoreanMorphology | None = None):
        self.files: list[GlossaryFile] = list(files or ())
        self.morphology = morphology or KoreanMorphology()
        self.entries: list[Entry] = [e for f in self.files for e in f.entries]
        self._by_id = {e.qualified_id: e for e in self.entries}
        with collector_paused():
            self._compiled = CompiledGlossary(self.entries, self.morphology)

    def scan(self, text: str, *, platform: str, kind: str, lowered: str | None = None) -> list[TermHit]:
        """Every in-scope hit (avoided forms, word lists, near misses), sorted by offset.

        `lowered` is `text.lower()` when the caller already has it (RuleInput.lower).
        """
        if not text:
            return []
        return self._compiled.scan(text, platform, kind, lowered)

    def templates(self, *, platform: str, kind: str) -> list[tuple[str, str]]:
        """(entry id, template text) of every auto-response template in scope, each language separately."""
        out = []
        for entry in self.entries:
            if entry.use == "templates" and entry.in_scope(platform, kind):
                out.extend((entry.qualified_id, text) for _, text in entry.all_preferred())
        return out

    def entry(self, qualified_id: str) -> Entry | None:
        return self._by_id.get(qualified_id)

    @property
    def form_count(self) -> int:
        return self._compiled.form_count

    def warm(self) -> None:
        """Load the near-miss dictionary now (the TUI calls this in a worker so that typing never waits)."""
        self._compiled.warm()

    def __len__(self) -> int:
        return len(self.entries)

    def __getstate__(self) -> dict:
        # Memos are rebuilt on use; pickling them would only grow the compile cache.
        self.morphology._memo.clear()
        return self.__dict__
