"""JSON: an array, one object per file, findings in the shared schema (findings.finding_to_dict)."""
from __future__ import annotations

from ..findings import finding_to_dict
from . import dumps


def report_to_dict(rep) -> dict:
    out: dict = {"path": rep.path}
    if rep.error:
        out["error"] = {"message": rep.error, "line": rep.error_line}
        out["findings"] = []
        return out
    out["findings"] = [finding_to_dict(f, rep.position(f.start, f.end)) for f in rep.findings]
    if rep.omitted:
        out["omitted"] = dict(sorted(rep.omitted.items()))  # rule → findings past the cap, not listed
    return out


def piece(rep, rules: dict, *, color: bool = False) -> str:
    """The file's object as indented JSON text, ready to sit inside the top-level array."""
    text = dumps(report_to_dict(rep), indent=2)
    return "  " + text.replace("\n", "\n  ")


def assemble(reports, pieces: list[str], tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    if not pieces:
        return "[]"
    return "[\n" + ",\n".join(pieces) + "\n]"
