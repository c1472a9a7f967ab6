"""The linter: a draft and its case context in, sorted findings out. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from .context import CaseContext, ContextError, Suppression, context_from_mapping
from .document import Draft, DraftError, parse_draft
from .findings import Finding
from .normalise import MatchingView, matching_view
from .registry import all_rules, checks
from .resources import Resources
from .rules.base import RuleInput
from .settings import Settings
from .suppress import Suppressed, Suppressor


@dataclass
class LintResult:
    draft: Draft
    context: CaseContext
    findings: list[Finding]
    omitted: dict[str, int] = field(default_factory=dict)  # rule → findings past the cap
    suppressed: list[Suppressed] = field(default_factory=list)  # silenced by the context's `ignore`, with the entry
    unused_ignores: tuple[Suppression, ...] = ()  # quoted `ignore` entries that silenced nothing
    suppressed_omitted: dict[str, int] = field(default_factory=dict)  # rule → silenced findings past the cap


class Linter:
    """Holds compiled packs and glossaries; lint() is cheap and thread-safe."""

    def __init__(self, resources: Resources, settings: Settings | None = None):
        self.resources = resources
        self.settings = settings or Settings()
        self.rules = all_rules()
        self._families = frozenset(code.rstrip("0123456789") for code in self.rules)  # TERM, TONE, …: `ignore` codes
        self._verdicts: dict = {}  # rule code → _verdict()
        # A check runs when any rule that names it (registry: the rule records) is selected.
        self._checks = [module for module, codes in checks() if any(self.settings.enabled(c) for c in codes)]

    def warm(self) -> None:
        """Build every lazily loaded table now: the one place that warms the linter.

        Loads the language data and the lemma table, compiles the
        glossaries, and lints `_WARM_TEXT` once per pack and kind, so that
        each pack's compiled patterns exist. Batch runs call it before
        forking workers, so that they share one copy instead of each
        building its own; the desk calls it in a worker so that the first
        keystroke is not the slow one. The findings are thrown away.
        """
        from . import lemmas, normalise, scripts

        scripts.language_data()
        normalise.invisible_table()
        lemmas.warm()
        self.resources.glossary.warm()
        draft = parse_draft(_WARM_TEXT)
        for platform, pack in self.resources.packs.items():
            for kind in pack.kinds:
                self.lint(draft, CaseContext(platform=platform, kind=kind))

    def _verdict(self, code: str):
        """False (rule not selected), True (selected, severity as reported) or the configured Severity.

        Remembered per code: selection and severity overrides are fixed for a Linter.
        """
        settings = self.settings
        if not settings.enabled(code):
            verdict = False
        else:
            override = settings.severity_for(code, None)
            verdict = True if override is None else override
        self._verdicts[code] = verdict
        return verdict

    def context_for(self, draft: Draft, overrides: CaseContext | None = None, *, now: datetime | None = None, **flags) -> CaseContext:
        """Front matter, then a case file (`overrides`), then CLI flags, later winning.

        `now` is the clock of the caller (the CLI's, the desk's): it becomes
        `drafted_at` unless a source pinned one. The core never reads a clock.
        """
        ctx = context_from_mapping(draft.front_matter) if draft.front_matter else CaseContext()
        if overrides is not None:
            ctx = overrides.over(ctx)
        ctx = ctx.merged(**flags)
        if now is not None:
            ctx = ctx.drafted(now)
        self.check_context(ctx)
        return ctx

    def check_context(self, ctx: CaseContext) -> None:
        packs = self.resources.packs
        if ctx.platform not in packs:
            raise ContextError("platform", f"unknown platform {ctx.platform!r} (known: {', '.join(sorted(packs))})")
        kinds = packs[ctx.platform].kinds
        if ctx.kind not in kinds:
            raise ContextError("kind", f"unknown kind {ctx.kind!r} (known: {', '.join(sorted(kinds))})")
        for i, entry in enumerate(ctx.ignore):
            problem = self._not_a_rule(entry.rule)
            if problem:
                raise ContextError(f"ignore[{i + 1}]", problem, ("ignore", i))

    def _not_a_rule(self, code: str) -> str | None:
        """Why an `ignore` code names no rule, or None: a typo (`TERM01`, `NOPE999`) must not
        silently silence nothing, nor a one-letter prefix (`T`) every family that starts with it."""
        family = code.rstrip("0123456789")
        if family not in self._families:
            return f"unknown rule {code!r}: not a rule code or family (families: {', '.join(sorted(self._families))})"
        if not any(c.startswith(code) for c in self.rules):
            near = ", ".join(c for c in self.rules if c.startswith(family))
            return f"unknown rule {code!r} (the {family} rules: {near})"
        return None

    def lint(self, draft: Draft, context: CaseContext) -> list[Finding]:
        """Sorted findings, at most `settings.max_findings_per_rule` of each rule (see lint_counted)."""
        return self.lint_counted(draft, context)[0]

    def lint_counted(self, draft: Draft, context: CaseContext) -> tuple[list[Finding], dict[str, int]]:
        """(sorted findings, {rule: how many more were found than kept}).

        Findings are on the text as written, matched on its NFC form without
        invisible characters (see `normalise.py`): the rules see the
        matching view, and every span (and fix) they report is mapped back
        to the original text; the families' `check_as_written` (LANG005)
        look at the original itself.

        Each rule keeps its first `max_findings_per_rule` findings by
        position; the rest are only counted, so a hostile draft (a million
        full-width commas) costs a bounded amount of memory here and in
        every reporter. A rule's findings are trimmed whenever twice the cap
        have piled up, and a trimmed finding's dedup key is forgotten with
        it: a later duplicate of it is counted again, a small overcount in
        a number that says only "many more".
        """
        findings, omitted, _ = self.lint_suppressed(draft, context)
        return findings, omitted

    def lint_suppressed(self, draft: Draft, context: CaseContext) -> tuple[list[Finding], dict[str, int], Suppressor | None]:
        """lint_counted, and the Suppressor that kept the `ignore`d findings out (None: no `ignore`)."""
        view = matching_view(draft.text)
        if view is None:
            return self._lint(draft, context, None)
        matched = Draft(view.text, body_start=view.view_offset(draft.body_start), front_matter=draft.front_matter)
        return self._lint(matched, context, (view, draft))

    def _input(self, draft: Draft, context: CaseContext) -> RuleInput:
        pack = self.resources.packs[context.platform]
        return RuleInput(
            draft=draft,
            context=context,
            pack=pack,
            kind=pack.kind(context.kind),
            resources=self.resources,
            info=self.rules,
        )

    def _lint(self, draft: Draft, context: CaseContext, mapping) -> tuple[list[Finding], dict[str, int], Suppressor | None]:
        inp = self._input(draft, context)
        written = draft if mapping is None else mapping[1]
        suppressor = (Suppressor(context.ignore, written.text, written.body_start, view=None if mapping is None else mapping[0],
                                 cap=self.settings.max_findings_per_rule) if context.ignore else None)
        verdicts = self._verdicts
        cap = self.settings.max_findings_per_rule
        kept: dict[str, list[Finding]] = {}
        omitted: dict[str, int] = {}
        seen: set[tuple] = set()
        to_original = None if mapping is None else _span_mapper(*mapping)

        def keep(found, to_original) -> None:
            for f in found:
                rule = f.rule
                verdict = verdicts.get(rule)
                if verdict is None:
                    verdict = self._verdict(rule)
                if verdict is False:
                    continue
                if to_original is not None:
                    f = to_original(f)
                key = (rule, f.start, f.end, f.message)
                if key in seen:
                    continue
                seen.add(key)
                if verdict is not True and verdict != f.severity:
                    f = f.with_severity(verdict)
                if suppressor is not None and suppressor.match(f) is not None:
                    continue  # the Suppressor keeps it, for those who ask what was silenced
                bucket = kept.get(rule)
                if bucket is None:
                    bucket = kept[rule] = []
                bucket.append(f)
                if cap and len(bucket) > 2 * cap:
                    _trim(bucket, cap, omitted, seen)

        for module in self._checks:
            keep(module.check(inp), to_original)
        if mapping is not None:
            original = self._input(mapping[1], context)
            for module in self._checks:
                as_written = getattr(module, "check_as_written", None)
                if as_written is not None:
                    keep(as_written(original), None)  # these read the original text
        out: list[Finding] = []
        for bucket in kept.values():
            if cap and len(bucket) > cap:
                _trim(bucket, cap, omitted, seen)
            out.extend(bucket)
        out.sort(key=Finding.sort_key)
        return out, omitted, suppressor

    def lint_text(self, text: str, overrides: CaseContext | None = None, *, now: datetime | None = None, **flags) -> LintResult:
        """Parse, resolve context and lint. Raises DraftError or ContextError on bad input."""
        draft = parse_draft(text)
        ctx = self.context_for(draft, overrides, now=now, **flags)
        findings, omitted, suppressor = self.lint_suppressed(draft, ctx)
        if suppressor is None:
            return LintResult(draft, ctx, findings, omitted)
        return LintResult(draft, ctx, findings, omitted, suppressor.suppressed(), suppressor.unused(), dict(suppressor.omitted))


# Touches every family: IDs, times, zones, relative dates, links, keywords, Korean, Chinese,
# shouting, and text in NFD with an invisible character (the matching view).
_WARM_TEXT = (
    "Order 22000011223344 was delivered yesterday at 14:22 Beijing time, see https://drive.google.com/x. "
    "URGENT!! 배송완료 되었습니다 오후 2시. 已签收，请查收。\n"
    "Order 22000009546234 was delivered on 2024-05-16 13:40 KST (배송완료). "
    "Proof of delivery is attached; no damage found. 我们已确认签收。 Whats\u200bApp \u1107\u1162\uc1a1\n"
)


def _span_mapper(view: MatchingView, original: Draft):
    """Finding on the matching view → the same finding on the text as written."""
    view_body = view.view_offset(original.body_start)
    body = original.body_start

    def span(start: int, end: int) -> tuple[int, int]:
        if start == end == view_body:  # "missing" findings sit at the body start
            return body, body
        return view.original_span(start, end)

    def to_original(f: Finding) -> Finding:
        start, end = span(f.start, f.end)
        fix = f.fix
        if fix is not None:
            a, b = span(fix.start, fix.end)
            fix = replace(fix, start=a, end=b)
        return replace(f, start=start, end=end, fix=fix)

    return to_original


def _trim(bucket: list[Finding], cap: int, omitted: dict[str, int], seen: set[tuple]) -> None:
    """Keep a rule's first `cap` findings by position; count and forget the others."""
    bucket.sort(key=Finding.sort_key)
    rule = bucket[0].rule
    omitted[rule] = omitted.get(rule, 0) + len(bucket) - cap
    for f in bucket[cap:]:
        seen.discard((f.rule, f.start, f.end, f.message))
    del bucket[cap:]


__all__ = ["Linter", "LintResult", "DraftError", "ContextError"]
