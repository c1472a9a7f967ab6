"""`replydesk glossary find QUERY`: fuzzy search over every form in every language."""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from .glossary_set import GlossarySet
from .model import Entry


@dataclass(frozen=True)
class Found:
    entry: Entry
    form: str  # the form that matched best
    role: str  # "preferred ko", "avoided en", "id", …
    score: float

    def as_dict(self) -> dict:
        e = self.entry
        return {
            "entry": e.qualified_id,
            "path": str(e.file.path),
            "line": e.line,
            "matched": self.form,
            "role": self.role,
            "score": round(self.score, 1),
            "preferred": {lang: list(forms) for lang, forms in e.preferred.items()},
            "avoid": [a.form for a in e.avoid],
            "rule": e.rule,
            "use": e.use,
        }


def find(gs: GlossarySet, query: str, limit: int = 10, min_score: float = 60.0) -> list[Found]:
    """Entries whose forms (preferred, avoided, any language) or id resemble `query`, best first."""
    choices: list[str] = []
    owners: list[tuple[Entry, str]] = []
    for entry in gs.entries:
        choices.append(entry.id.replace("-", " "))
        owners.append((entry, "id"))
        for lang, form in entry.all_preferred():
            choices.append(form)
            owners.append((entry, f"preferred {lang}"))
        for avoid in entry.avoid:
            choices.append(avoid.form)
            owners.append((entry, f"avoided {avoid.lang}" + (" (regex)" if avoid.pattern else "")))
    results = process.extract(
        query, choices, scorer=_score, processor=utils.default_process, limit=limit * 8, score_cutoff=min_score
    )
    best: dict[str, Found] = {}
    for form, score, index in results:
        entry, role = owners[index]
        found = best.get(entry.qualified_id)
        if found is None or score > found.score:
            best[entry.qualified_id] = Found(entry, form, role, score)
    ranked = sorted(best.values(), key=lambda f: (-f.score, f.entry.qualified_id))
    return ranked[:limit]


def _score(query: str, choice: str, **kwargs) -> float:
    """Whole-form similarity, with partial matches (a query inside a longer form) a little lower."""
    if not query or not choice:
        return 0.0
    whole = fuzz.ratio(query, choice)
    part = fuzz.partial_ratio(query, choice) * 0.9 if len(query) <= len(choice) else 0.0
    return max(whole, part)


def format_found(found: Found) -> str:
    e = found.entry
    langs = "  ".join(f"{lang}={' | '.join(forms)}" for lang, forms in e.preferred.items())
    avoid = ", ".join(a.form for a in e.avoid[:4]) + (" …" if len(e.avoid) > 4 else "")
    where = f"{e.file.path}:{e.line}" if e.line else str(e.file.path)
    parts = [f"{where}: {e.qualified_id} [{e.rule if e.use != 'templates' else 'template'}]  {langs}"]
    if avoid:
        parts.append(f"avoid: {avoid}")
    parts.append(f"(matched {found.role} '{found.form}', {found.score:.0f})")
    return "  ".join(parts)
