"""JSON: an array, one object per file, findings in the shared schema (findings.finding_to_dict)."""
from __future__ import annotations

import json

from ..findings import finding_to_dict
from . import FileReport


def report_to_dict(rep: FileReport) -> dict:
    out: dict = {"path": rep.path}
    if rep.error:
        out["error"] = {"message": rep.error, "line": rep.error_line}
        out["findings"] = []
        return out
    out["findings"] = [finding_to_dict(f, rep.position(f.start, f.end)) for f in rep.findings]
    return out


def render_json(reports: list[FileReport]) -> str:
    return json.dumps([report_to_dict(r) for r in reports], ensure_ascii=False, indent=2)
