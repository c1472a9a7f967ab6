"""JSON: an array, one object per file, findings in the shared schema (findings.finding_to_dict)."""
from __future__ import annotations

import json

from ..findings import finding_to_dict


def report_to_dict(rep) -> dict:
    out: dict = {"path": rep.path}
    if rep.error:
        out["error"] = {"message": rep.error, "line": rep.error_line}
        out["findings"] = []
        return out
    out["findings"] = [finding_to_dict(f, rep.position(f.start, f.end)) for f in rep.findings]
    return out


def piece(rep, rules: dict, *, color: bool = False) -> str:
    """The file's object as indented JSON text, ready to sit inside the top-level array."""
    text = json.dumps(report_to_dict(rep), ensure_ascii=False, indent=2)
    return "  " + text.replace("\n", "\n  ")


def assemble(reports, pieces: list[str], tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    if not pieces:
        return "[]"
    return "[\n" + ",\n".join(pieces) + "\n]"
