"""`replydesk explain CODE`'s text: why a rule exists, its tested examples and references.

One home for it: the command line prints it, the language server shows it
on hover and behind each diagnostic's documentation link.
"""
from __future__ import annotations

import textwrap


def explain_text(code: str) -> str:
    """The explanation of a rule (a known code; raises KeyError otherwise), as plain text."""
    from .registry import all_rules, reference_path, rule_examples

    info = all_rules()[code]
    lines = [
        f"{info.code} ({info.category}, {info.severity.label}){' — fixable with --fix' if info.fixable else ''}",
        "",
        info.summary,
        "",
        "Why the platform cares:",
        textwrap.fill(info.why, width=88, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False),
    ]
    # The rule's own fixtures, the ones the test suite runs (every rule has both kinds).
    examples = [e for e in rule_examples() if e.rule == code]
    flagged = _by_language([e for e in examples if e.flags], 3)
    allowed = _by_language([e for e in examples if not e.flags], 5)
    lines += ["", "Flagged ([…] marks the span):"]
    lines += [f"  {_marked(e)}{_where(e)}" for e in flagged]
    lines += ["", "Not flagged (allowed):"]
    lines += [f"  {_one_line(e.text)}{_where(e)}" for e in allowed]
    if info.references:
        lines += ["", "References:"]
        pages = 0
        for ref in info.references:
            page = reference_path(ref)
            if page is None:  # an https:// address
                lines.append(f"  {ref}")
            else:
                pages += 1
                lines.append(f"  {ref}: {page.read_text(encoding='utf-8').partition(chr(10))[0].lstrip('# ')}")
        if pages:
            lines.append("  (`replydesk explain --reference NAME` prints a page)")
    return "\n".join(lines)


def _by_language(examples: list, limit: int) -> list:
    """Up to `limit` examples, taking turns between languages (en, ko, zh) so each shows."""
    queues: dict[str, list] = {}
    for e in examples:
        queues.setdefault(e.lang, []).append(e)
    out: list = []
    while len(out) < limit and any(queues.values()):
        for lang in sorted(queues, key=lambda l: ("en", "ko", "zh").index(l) if l in ("en", "ko", "zh") else 9):
            if queues[lang] and len(out) < limit:
                out.append(queues[lang].pop(0))
    return out


def _one_line(text: str, width: int = 150) -> str:
    flat = " / ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _marked(example) -> str:
    """The example text with each flagged span in brackets (a whole-reply finding marks nothing)."""
    text = example.text
    out, pos = [], 0
    for span in example.flags:
        at = text.find(span, pos) if span else -1
        if at < 0:
            continue
        out += [text[pos:at], "[", span, "]"]
        pos = at + len(span)
    out.append(text[pos:])
    marked = "".join(out)
    return _one_line(marked) + ("   (whole reply)" if not any(example.flags) else "")


def _where(example) -> str:
    ctx = example.context or {}
    parts = [ctx[k] for k in ("platform", "kind") if ctx.get(k)]
    return f"   ({', '.join(parts)})" if parts else ""
