"""The linter: a draft and its case context in, sorted findings out. Pure."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .context import CaseContext, ContextError, context_from_mapping
from .document import Draft, DraftError, parse_draft
from .findings import Finding
from .normalise import MatchingView, matching_view
from .registry import all_rules, families
from .resources import Resources
from .rules.base import RuleInput
from .settings import Settings


@dataclass
class LintResult:
    draft: Draft
    context: CaseContext
    findings: list[Finding]


class Linter:
    """Holds compiled packs and glossaries; lint() is cheap and thread-safe."""

    def __init__(self, resources: Resources, settings: Settings | None = None):
        self.resources = resources
        self.settings = settings or Settings()
        self.rules = all_rules()
        self._verdicts: dict = {}  # rule code → _verdict()
        self._families = []
        for module in families():
            codes = [info.code for info in module.RULES]
            always = getattr(module, "REPORTS_FOREIGN_CODES", False)
            if always or any(self.settings.enabled(c) for c in codes):
                self._families.append(module)

    def warm(self) -> None:
        """Build every lazily compiled table (per pack and kind) now.

        Called before forking batch workers, so that they share one copy
        instead of each compiling its own.
        """
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

    def context_for(self, draft: Draft, overrides: CaseContext | None = None, **flags) -> CaseContext:
        """Front matter, then a case file (`overrides`), then CLI flags, later winning."""
        ctx = context_from_mapping(draft.front_matter) if draft.front_matter else CaseContext()
        if overrides is not None:
            ctx = _overlay(ctx, overrides)
        ctx = ctx.merged(**flags)
        self.check_context(ctx)
        return ctx

    def check_context(self, ctx: CaseContext) -> None:
        packs = self.resources.packs
        if ctx.platform not in packs:
            raise ContextError("platform", f"unknown platform {ctx.platform!r} (known: {', '.join(sorted(packs))})")
        kinds = packs[ctx.platform].kinds
        if ctx.kind not in kinds:
            raise ContextError("kind", f"unknown kind {ctx.kind!r} (known: {', '.join(sorted(kinds))})")

    def lint(self, draft: Draft, context: CaseContext) -> list[Finding]:
        """Findings on the text as written, matched on its NFC form without invisible characters.

        See `normalise.py`: the rules see the matching view, and every span
        (and fix) they report is mapped back to the original text; the
        families' `check_as_written` (LANG005) look at the original itself.
        """
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

    def _lint(self, draft: Draft, context: CaseContext, mapping) -> list[Finding]:
        inp = self._input(draft, context)
        ignored = context.ignore
        verdicts = self._verdicts
        out: list[Finding] = []
        seen: set[tuple] = set()

        def keep(found) -> None:
            for f in found:
                rule = f.rule
                verdict = verdicts.get(rule)
                if verdict is None:
                    verdict = self._verdict(rule)
                if verdict is False or rule in ignored:
                    continue
                if to_original is not None:
                    f = to_original(f)
                key = (rule, f.start, f.end, f.message)
                if key in seen:
                    continue
                seen.add(key)
                out.append(f if verdict is True or verdict == f.severity else f.with_severity(verdict))

        to_original = None if mapping is None else _span_mapper(*mapping)
        for module in self._families:
            keep(module.check(inp))
        if mapping is not None:
            to_original = None  # these already read the original text
            original = self._input(mapping[1], context)
            for module in self._families:
                as_written = getattr(module, "check_as_written", None)
                if as_written is not None:
                    keep(as_written(original))
        out.sort(key=Finding.sort_key)
        return out

    def lint_text(self, text: str, overrides: CaseContext | None = None, **flags) -> LintResult:
        """Parse, resolve context and lint. Raises DraftError or ContextError on bad input."""
        draft = parse_draft(text)
        ctx = self.context_for(draft, overrides, **flags)
        return LintResult(draft, ctx, self.lint(draft, ctx))


# Touches every family: IDs, times, zones, relative dates, links, Korean, Chinese, shouting.
_WARM_TEXT = (
    "Order 22000011223344 was delivered yesterday at 14:22 Beijing time, see https://drive.google.com/x. "
    "URGENT!! 배송완료 되었습니다 오후 2시. 已签收，请查收。\n"
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


def _overlay(base: CaseContext, top: CaseContext) -> CaseContext:
    """Fields the case file sets (non-default) replace the front matter's."""
    default = CaseContext()
    changes = {
        name: getattr(top, name)
        for name in base.__dataclass_fields__
        if getattr(top, name) != getattr(default, name)
    }
    return base.merged(**changes)


__all__ = ["Linter", "LintResult", "DraftError", "ContextError"]
