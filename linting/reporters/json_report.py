"""JSON: an array, one object per file, findings in the shared schema (findings.finding_to_dict)."""
from __future__ import annotations

from ..findings import finding_to_dict
from . import dumps, ignored_note


def report_to_dict(rep) -> dict:
    out: dict = {"path": rep.path}
    if rep.error:
        out["error"] = {"message": rep.error, "line": rep.error_line}
        out["findings"] = []
        return out
    out["findings"] = [finding_to_dict(f, rep.position(f.start, f.end)) for f in rep.findings]
    if rep.omitted:
        out["omitted"] = dict(sorted(rep.omitted.items()))  # rule → findings past the cap, not listed
    if rep.suppressed:  # only with --show-ignored
        out["ignored"] = [
            {**finding_to_dict(s.finding, rep.position(s.finding.start, s.finding.end)),
             "ignore": _entry(s.by), "in_draft": s.by in rep.ignores_in_draft, "note": ignored_note(s.by)}
            for s in rep.suppressed
        ]
    if rep.suppressed_omitted:
        out["ignored_omitted"] = dict(sorted(rep.suppressed_omitted.items()))
    if rep.unused_ignores:
        out["unused_ignores"] = [_entry(e) for e in rep.unused_ignores]
    return out


def _entry(entry) -> dict:
    value = entry.as_mapping()
    return {"rule": value} if isinstance(value, str) else value


def piece(rep, rules: dict, *, color: bool = False) -> str:
    """The file's object as indented JSON text, ready to sit inside the top-level array."""
    text = dumps(report_to_dict(rep), indent=2)
    return "  " + text.replace("\n", "\n  ")


def assemble(reports, pieces: list[str], tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    if not pieces:
        return "[]"
    return "[\n" + ",\n".join(pieces) + "\n]"
