"""The linter: a draft and its case context in, sorted findings out. Pure."""
from __future__ import annotations

from dataclasses import dataclass

from .context import CaseContext, ContextError, context_from_mapping
from .document import Draft, DraftError, parse_draft
from .findings import Finding
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
        pack = self.resources.packs[context.platform]
        inp = RuleInput(
            draft=draft,
            context=context,
            pack=pack,
            kind=pack.kind(context.kind),
            resources=self.resources,
            info=self.rules,
        )
        ignored = context.ignore
        verdicts = self._verdicts
        out: list[Finding] = []
        seen: set[tuple] = set()
        for module in self._families:
            for f in module.check(inp):
                rule = f.rule
                verdict = verdicts.get(rule)
                if verdict is None:
                    verdict = self._verdict(rule)
                if verdict is False or rule in ignored:
                    continue
                key = (rule, f.start, f.end, f.message)
                if key in seen:
                    continue
                seen.add(key)
                out.append(f if verdict is True or verdict == f.severity else f.with_severity(verdict))
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
