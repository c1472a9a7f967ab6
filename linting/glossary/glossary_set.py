"""GlossarySet: every loaded glossary, compiled once, scanned many times (thread-safe, pure)."""
from __future__ import annotations

from ..scripts import lower_same_length
from .korean import KoreanMorphology
from .matcher import CompiledGlossary, collector_paused
from .model import Entry, GlossaryFile, TermHit
from .sentence import Sentences, SentenceCondition


class GlossarySet:
    """What the linter asks of the glossaries: hits in a text, and the templates in scope."""

    def __init__(self, files: list[GlossaryFile] | None = None, morphology: KoreanMorphology | None = None):
        self.files: list[GlossaryFile] = list(files or ())
        self.morphology = morphology or KoreanMorphology()
        self.entries: list[Entry] = [e for f in self.files for e in f.entries]
        self._by_id = {e.qualified_id: e for e in self.entries}
        with collector_paused():
            self._compiled = CompiledGlossary(self.entries, self.morphology)
        self._conditions = {
            e.qualified_id: SentenceCondition(e.sentence_with, e.sentence_without)
            for e in self.entries
            if e.sentence_with or e.sentence_without
        }

    def scan(self, text: str, *, platform: str, kind: str, lowered: str | None = None) -> list[TermHit]:
        """Every in-scope hit (avoided forms, word lists, near misses), sorted by offset.

        `lowered` is `text.lower()` when the caller already has it (RuleInput.lower).
        """
        if not text:
            return []
        hits = self._compiled.scan(text, platform, kind, lowered)
        if self._conditions and hits:
            hits = self._in_their_sentences(text, lowered, hits)
        return hits

    def _in_their_sentences(self, text: str, lowered: str | None, hits: list[TermHit]) -> list[TermHit]:
        """Drop the hits of entries whose sentence conditions (sentence_with/without) do not hold."""
        conditions = self._conditions
        if not any(h.entry in conditions for h in hits):
            return hits
        low = lowered if lowered is not None else lower_same_length(text)
        sentences = Sentences(text)
        # A sentence judged by its company gets one finding per rule: the first hit,
        # and none at all when an unconditioned hit of the same rule is already there.
        taken = {(h.rule, sentences.around(h.start)) for h in hits if h.entry not in conditions}
        verdicts: dict[tuple, bool] = {}  # (entry, sentence) -> condition holds: each sentence is searched once
        kept = []
        for h in hits:
            condition = conditions.get(h.entry)
            if condition is None:
                kept.append(h)
                continue
            sentence = sentences.around(h.start)
            if (h.rule, sentence) in taken:
                continue
            key = (h.entry, sentence)
            if key not in verdicts:
                verdicts[key] = condition.holds(low, *sentence)
            if verdicts[key]:
                taken.add((h.rule, sentence))
                kept.append(h)
        return kept

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
