"""SARIF 2.1.0, for code-scanning dashboards; validated against the schema in the tests."""
from __future__ import annotations

from ..findings import Severity
from . import dumps, ignored_note, omitted_message, unused_message

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def piece(rep, rules: dict, *, color: bool = False) -> tuple[list, list]:
    """(results, notifications) of one file, as SARIF objects."""
    codes = sorted(rules)
    uri = rep.path.replace("\\", "/")
    if rep.error:
        note = {"level": "error", "message": {"text": rep.error}, "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": uri}}}
        ]}
        if rep.error_line:
            note["locations"][0]["physicalLocation"]["region"] = {"startLine": rep.error_line}
        return [], [note]
    index = {code: i for i, code in enumerate(codes)} if rep.findings or rep.suppressed else {}
    results = []
    # With --show-ignored the silenced findings are results too, carrying SARIF's own
    # `suppressions` (inSource: the draft's front matter; external: the case file), which
    # code-scanning dashboards show as dismissed rather than open.
    silenced = {id(s.finding): s.by for s in rep.suppressed}
    listed = sorted([*rep.findings, *(s.finding for s in rep.suppressed)], key=lambda f: f.sort_key())
    for f in listed:
        p = rep.position(f.start, f.end)
        result = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message + (f" (suggestion: {f.suggestion})" if f.suggestion else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": p.line, "startColumn": p.column,
                               "endLine": p.end_line, "endColumn": p.end_column},
                }
            }],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        entry = silenced.get(id(f))
        if entry is not None:
            result["suppressions"] = [{
                "kind": "inSource" if entry in rep.ignores_in_draft else "external",
                "justification": ignored_note(entry),
            }]
        if f.fix is not None:
            fp = rep.position(f.fix.start, f.fix.end)
            result["fixes"] = [{
                "description": {"text": f"replace with {f.fix.replacement!r}"},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri},
                    "replacements": [{
                        "deletedRegion": {"startLine": fp.line, "startColumn": fp.column,
                                          "endLine": fp.end_line, "endColumn": fp.end_column},
                        "insertedContent": {"text": f.fix.replacement},
                    }],
                }],
            }]
        results.append(result)
    notes = []
    for rule, n in sorted(rep.omitted.items()):
        note = {"level": "note", "message": {"text": omitted_message(rule, n)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                "associatedRule": {"id": rule}}
        if rule in index:
            note["associatedRule"]["index"] = index[rule]
        notes.append(note)
    for entry in rep.unused_ignores:
        notes.append({"level": "warning", "message": {"text": unused_message(entry)},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]})
    return results, notes


def assemble(reports, pieces: list, tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("replydesk")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        tool_version = "0"
    codes = sorted(rules)
    results = [r for res, _ in pieces for r in res]
    notifications = [n for _, notes in pieces for n in notes]
    driver = {
        "name": "replydesk",
        "version": tool_version,
        "rules": [
            {
                "id": code,
                "name": code,
                "shortDescription": {"text": rules[code].summary},
                "fullDescription": {"text": rules[code].why},
                "defaultConfiguration": {"level": _LEVEL[rules[code].severity]},
                "properties": {"category": rules[code].category},
            }
            for code in codes
        ],
    }
    run = {"tool": {"driver": driver}, "results": results}
    if notifications:
        failed = any(n["level"] == "error" for n in notifications)
        run["invocations"] = [{"executionSuccessful": not failed, "toolExecutionNotifications": notifications}]
    return dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)
