"""`replydesk lsp`: the linter in any editor, over the Language Server Protocol on stdio.

Built on pygls 2 (with lsprotocol's types): the protocol's framing,
JSON-RPC, document sync with incremental changes, position encodings and
capability negotiation are a maintained library's job, and the server here
is only what replydesk adds. The design answers the complaints the users
of vale-ls, LTeX and harper-ls keep filing:

- **Diagnostics as you type**, not on save: every change schedules a lint
  after a short debounce (`debounceMs`, 150 by default), and a newer change
  cancels the pending one, so typing never queues stale work. Open and save
  lint at once. Lints run one at a time in a worker thread, so the server
  keeps answering while one runs, and a result for an older version of the
  document is dropped.
- **Quick fixes without a client plugin**: every code action is a server
  command that edits through `workspace/applyEdit`, which every client
  implements (LTeX's `_ltex.*` commands needed its VS Code extension).
- **Silencing a false alarm in place**: "ignore RULE here" and "ignore RULE
  in this draft" write the front matter's `ignore`, never the reply text.
- **The same answer as the command line**: the same `replydesk.toml` found
  upward from the file, the same packs and glossaries, and the queue's case
  file for `QUEUE/drafts/<id>.txt` (see `analysis.py`).

Initialization options (all optional): `drafts` (globs, default `*.txt`
and `*.draft`), `debounceMs`, `unsafeFixes` (offer fixes that change facts,
such as another order ID), `ruleDocs` (a URL template with `{code}` for the
diagnostics' documentation links; default: a page generated from
`replydesk explain` in the user's cache).
"""
from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ..display import visible_controls
from ..findings import Finding, Severity
from .analysis import DEFAULT_DRAFT_GLOBS, LOCAL_TERMS, Analysis, Problem, kind_of
from .encoding import LineMap
from .worker import Worker, WorkerError

SOURCE = "replydesk"
DEFAULT_DEBOUNCE_MS = 150
NEAR_MISS = "TERM002"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_PROBLEM_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}

log = logging.getLogger("replydesk.lsp")


@dataclass
class Options:
    drafts: tuple[str, ...] = DEFAULT_DRAFT_GLOBS
    debounce: float = DEFAULT_DEBOUNCE_MS / 1000
    unsafe_fixes: bool = False
    rule_docs: str | None = None

    @classmethod
    def read(cls, raw) -> "Options":
        """From the client's initializationOptions; a wrong value is ignored (and logged), not fatal."""
        out = cls()
        if not isinstance(raw, dict):
            return out
        raw = raw.get("replydesk", raw) if isinstance(raw.get("replydesk"), dict) else raw
        drafts = raw.get("drafts")
        if isinstance(drafts, str):
            drafts = [drafts]
        if isinstance(drafts, list) and drafts and all(isinstance(g, str) and g for g in drafts):
            out.drafts = tuple(drafts)
        debounce = raw.get("debounceMs")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and 0 <= debounce <= 10_000:
            out.debounce = debounce / 1000
        if isinstance(raw.get("unsafeFixes"), bool):
            out.unsafe_fixes = raw["unsafeFixes"]
        docs = raw.get("ruleDocs")
        if isinstance(docs, str) and "{code}" in docs:
            out.rule_docs = docs
        return out


class ReplydeskServer(LanguageServer):
    """The server's state: options, linters per configuration, the latest analysis per document."""

    def __init__(self) -> None:
        # No version in serverInfo: importlib.metadata costs 80 ms of start-up (zipfile, email,
        # lzma), a twelfth of the budget for the first diagnostics (`pip show replydesk` has it).
        # Full sync: pygls splits a document into lines with str.splitlines(), which also breaks at
        # U+2028, form feed, \x85 and other characters pasted replies carry, while clients count
        # lines only at \n, \r\n and \r; an incremental change then lands on the wrong line and
        # the server's copy of the draft goes wrong. A draft is at most 1 MB: send it whole.
        super().__init__("replydesk", None, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.options = Options()
        self.linting: Worker | None = None  # the linting process (worker.py), set before start_io
        # One call to it at a time: a keystroke's lint never races the previous one for the CPU,
        # and a lint still waiting here when a newer change comes is cancelled before it is sent.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="replydesk-lint")
        self.pending: dict[str, asyncio.Task] = {}
        self.latest: dict[str, tuple[int | None, Analysis]] = {}  # uri → (version, analysis)
        self.glossary_checks: dict[str, list[Problem]] = {}  # uri → the full check's problems, as saved

    # --- documents -------------------------------------------------------------------------

    def encoding(self) -> str:
        enc = self.workspace.position_encoding if self.protocol.workspace is not None else None
        return str(getattr(enc, "value", enc) or "utf-16")

    def path_of(self, uri: str) -> Path | None:
        if not uri.startswith("file:"):
            return None
        fs = to_fs_path(uri)
        return Path(fs) if fs else None

    def kind(self, uri: str, text: str) -> str:
        path = self.path_of(uri)
        return "other" if path is None else kind_of(path, text, self.options.drafts)

    async def analyse_now(self, uri: str) -> tuple[int | None, Analysis] | None:
        """Analyse the document as it is now (in the worker); None when it is closed or not ours."""
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        path = self.path_of(uri)
        text, version = doc.source, doc.version
        kind = self.kind(uri, text)
        if path is None or kind == "other":
            if uri in self.latest or uri in self.glossary_checks:  # it stopped being ours (a glossary lost its header)
                self.latest.pop(uri, None)
                self.glossary_checks.pop(uri, None)
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[], version=version))
            return None
        analysis = await self.call("analyse", path, text, kind)
        return version, analysis

    async def call(self, name: str, *args):
        """A function of the linting process (worker.serve), run from the single lint thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, lambda: self.linting.call(name, *args))

    async def lint_and_publish(self, uri: str, *, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            done = await self.analyse_now(uri)
        except WorkerError as exc:
            # The linter failed on this text (or its process died and came back): say so on the
            # document, in one line, and keep serving; the log has the whole story.
            log.error("lint of %s failed: %s", uri, exc)
            doc = self.workspace.text_documents.get(uri)
            if doc is not None:
                failed = Analysis("draft", doc.source, problems=[Problem(
                    f"replydesk could not lint this file: {str(exc).splitlines()[0]}", None, None, "error", "replydesk")])
                self.publish(uri, doc.version, failed)
            return
        if done is None:
            return
        version, analysis = done
        doc = self.workspace.text_documents.get(uri)
        if doc is None or doc.version != version:
            return  # a newer change is on its way: its own lint publishes
        self.latest[uri] = (version, analysis)
        self.publish(uri, version, analysis)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay`, cancelling a lint still waiting for this document."""
        old = self.pending.pop(uri, None)
        if old is not None and not old.done():
            old.cancel()
        task = asyncio.get_running_loop().create_task(self.lint_and_publish(uri, delay=delay))
        self.pending[uri] = task
        task.add_done_callback(lambda t, uri=uri: self._finished(uri, t))

    def _finished(self, uri: str, task: asyncio.Task) -> None:
        if self.pending.get(uri) is task:
            del self.pending[uri]
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("lint of %s failed: %r", uri, exc, exc_info=exc)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"replydesk: lint failed: {exc}"))

    def publish(self, uri: str, version: int | None, analysis: Analysis) -> None:
        lines = LineMap(analysis.text, self.encoding())
        diagnostics = [self.diagnostic(f, analysis, lines) for f in analysis.findings]
        diagnostics += [problem_diagnostic(p, lines) for p in analysis.problems]
        diagnostics += [problem_diagnostic(p, lines) for p in self.glossary_checks.get(uri, [])]
        diagnostics += [unused_diagnostic(e, analysis, lines) for e in analysis.unused_ignores]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def diagnostic(self, f: Finding, analysis: Analysis, lines: LineMap) -> types.Diagnostic:
        message = f.message + (f"\n→ {f.suggestion}" if f.suggestion else "")
        # Messages quote the draft and data files: Neovim and Helix draw them in a terminal.
        message = visible_controls(message, keep_newlines=True)
        return types.Diagnostic(
            range=span_range(lines, f.start + analysis.shift, f.end + analysis.shift),
            message=message,
            severity=_SEVERITY[f.severity],
            code=f.rule,
            code_description=self.rule_link(f.rule, analysis),
            source=SOURCE,
        )

    def rule_link(self, code: str, analysis: Analysis) -> types.CodeDescription | None:
        """The rule's page: the team's `ruleDocs` URL, else the page the linting process wrote
        (ruledocs.py); none when neither exists (an unwritable cache), rather than a dead link."""
        if self.options.rule_docs:
            return types.CodeDescription(href=self.options.rule_docs.replace("{code}", code))
        page = analysis.rule_pages.get(code)
        return types.CodeDescription(href=from_fs_path(str(page))) if page is not None else None

    async def current(self, uri: str) -> tuple[int | None, Analysis] | None:
        """The analysis of the document's current version: the latest one, or a fresh lint."""
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        latest = self.latest.get(uri)
        if latest is not None and latest[0] == doc.version:
            return latest
        done = await self.analyse_now(uri)
        if done is not None and done[0] == doc.version:
            self.latest[uri] = done
        return done

    async def apply(self, label: str, edit: types.WorkspaceEdit) -> bool:
        result = await self.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=label))
        if not result.applied:
            self.window_show_message(types.ShowMessageParams(
                types.MessageType.Warning, f"replydesk: {label}: the editor did not apply it ({result.failure_reason or 'no reason given'})"))
        return bool(result.applied)

    def say(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        # Messages quote terms, rule codes and file names from drafts and data files.
        self.window_show_message(types.ShowMessageParams(kind, f"replydesk: {visible_controls(message)}"))


def span_range(lines: LineMap, start: int, end: int) -> types.Range:
    a, b = lines.position(start), lines.position(end)
    return types.Range(types.Position(*a), types.Position(*b))


def line_range(lines: LineMap, line: int | None, column: int | None = None) -> types.Range:
    """A problem's line (1-based; None: the first) as a range over that line."""
    index = max(0, (line or 1) - 1)
    if index >= len(lines.starts):
        index = len(lines.starts) - 1
    start = lines.starts[index]
    end = lines.starts[index + 1] - 1 if index + 1 < len(lines.starts) else len(lines.text)
    if end > start and lines.text[end - 1] == "\r":
        end -= 1
    begin = start + (column - 1 if column and column > 1 else 0)
    return span_range(lines, min(begin, end), end)


def problem_diagnostic(p: Problem, lines: LineMap) -> types.Diagnostic:
    return types.Diagnostic(
        range=line_range(lines, p.line, p.column),
        message=visible_controls(p.message, keep_newlines=True),
        severity=_PROBLEM_SEVERITY.get(p.severity, types.DiagnosticSeverity.Error),
        code=p.code,
        source=SOURCE,
    )


def unused_diagnostic(entry, analysis: Analysis, lines: LineMap) -> types.Diagnostic:
    from ..reporters import unused_message

    # On the front matter's `ignore` line when it is there, else on the first line.
    head = analysis.text[: analysis.body_start + analysis.shift]
    match = re.search(r"(?m)^[ \t]*ignore[ \t]*=", head)
    line = head.count("\n", 0, match.start()) + 1 if match else None
    return types.Diagnostic(
        range=line_range(lines, line),
        message=unused_message(entry),
        severity=types.DiagnosticSeverity.Hint,
        code="ignore",
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary],
    )


server = ReplydeskServer()


@server.feature(types.INITIALIZE)
def initialize(ls: ReplydeskServer, params: types.InitializeParams) -> None:
    ls.options = Options.read(params.initialization_options)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ReplydeskServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.kind(uri, params.text_document.text) == "glossary":
        await full_glossary_check(ls, uri)
    ls.schedule(uri, 0.0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ReplydeskServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.options.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
async def did_save(ls: ReplydeskServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.workspace.text_documents.get(uri)
    kind = ls.kind(uri, doc.source) if doc is not None else "other"
    if kind in ("glossary", "config"):
        # A saved glossary or configuration changes what every open draft is linted with.
        if kind == "glossary":
            await full_glossary_check(ls, uri)
        for other in list(ls.workspace.text_documents):
            if other != uri:
                ls.schedule(other, 0.0)
    ls.schedule(uri, 0.0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ReplydeskServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.latest.pop(uri, None)
    ls.glossary_checks.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


async def full_glossary_check(ls: ReplydeskServer, uri: str) -> None:
    path = ls.path_of(uri)
    if path is None or not path.is_file():
        return
    problems = await ls.call("glossary_check", path)
    # Schema problems come from the editor's text on every change; keep the others (self-tests, duplicates…).
    ls.glossary_checks[uri] = [p for p in problems if p.code != "schema"]


# --- hover ---------------------------------------------------------------------------------------

@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: ReplydeskServer, params: types.HoverParams) -> types.Hover | None:
    done = await ls.current(params.text_document.uri)
    if done is None or done[1].kind != "draft":
        return None
    analysis = done[1]
    lines = LineMap(analysis.text, ls.encoding())
    at = lines.offset(params.position.line, params.position.character) - analysis.shift
    here = [f for f in analysis.findings if f.start <= at <= f.end and (f.start < f.end or _on_body_start(analysis, at))]
    if not here:
        return None
    explained = await ls.call("explain", tuple(dict.fromkeys(f.rule for f in here)))
    parts = []
    for f in here:
        head = f"**{f.rule}** ({f.severity.label}): {_md(f.message)}"
        if f.suggestion:
            head += f"\n\n→ {_md(f.suggestion)}"
        why = explained.get(f.rule, "")
        parts.append(head + (f"\n\n```text\n{why.replace('```', '` ` `')}\n```" if why else ""))
    first = here[0]
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=span_range(lines, first.start + analysis.shift, first.end + analysis.shift),
    )


def _on_body_start(analysis: Analysis, at: int) -> bool:
    return at == analysis.body_start


def _md(text: str) -> str:
    """Text from a draft or a data file, inert in Markdown (no links, HTML or emphasis)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", text)


# --- code actions and the commands behind them -------------------------------------------------

APPLY_FIX = "replydesk.applyFix"
FIX_ALL = "replydesk.fixAll"
IGNORE = "replydesk.ignore"
ADD_TERM = "replydesk.addTerm"
COMMANDS = (APPLY_FIX, FIX_ALL, IGNORE, ADD_TERM)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]),
)
async def code_actions(ls: ReplydeskServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    done = await ls.current(uri)
    if done is None or done[1].kind != "draft":
        return None
    version, analysis = done
    lines = LineMap(analysis.text, ls.encoding())
    a = lines.offset(params.range.start.line, params.range.start.character) - analysis.shift
    b = lines.offset(params.range.end.line, params.range.end.character) - analysis.shift
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    fix_all_only = wanted is not None and all(str(k).startswith(types.CodeActionKind.Source) for k in wanted)
    if not fix_all_only:
        for f in analysis.findings:
            if not (f.start <= b and a <= f.end):
                continue
            diag = ls.diagnostic(f, analysis, lines)
            actions += finding_actions(ls, uri, version, f, diag, analysis)
    from ..fixer import chosen_fixes

    safe = chosen_fixes(analysis.text[analysis.shift:], analysis.findings)
    if safe and (wanted is None or any(str(k).startswith(types.CodeActionKind.Source) for k in wanted)):
        actions.append(types.CodeAction(
            title=f"Fix all safe replydesk problems ({len(safe)})",
            kind=types.CodeActionKind.SourceFixAll + ".replydesk",
            command=types.Command(title="Fix all", command=FIX_ALL, arguments=[{"uri": uri, "version": version}]),
        ))
    return actions


def finding_actions(ls: ReplydeskServer, uri: str, version, f: Finding, diag, analysis: Analysis) -> list[types.CodeAction]:
    out: list[types.CodeAction] = []
    text = analysis.text[analysis.shift:]
    fix = f.fix
    if fix is not None and (fix.safe or ls.options.unsafe_fixes) and text[fix.start:fix.end] != fix.replacement:
        title = f"Replace with \u201c{visible_controls(fix.replacement)}\u201d" if fix.replacement else "Remove it"
        if not fix.safe:
            title += " (changes a fact: check it)"
        out.append(types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diag],
            is_preferred=fix.safe,
            command=types.Command(title=title, command=APPLY_FIX, arguments=[{
                "uri": uri, "version": version, "start": fix.start, "end": fix.end, "replacement": fix.replacement}]),
        ))
    if analysis.case_file is None:  # a queue draft is sent as it is: no front matter may be added to it
        span = text[f.start:f.end]
        if f.start < f.end and "\n" not in span.strip() and len(span) <= 200:
            title = f"Ignore {f.rule} here (only in \u201c{visible_controls(span.strip())}\u201d)"  # a menu in a terminal
            out.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                                        command=types.Command(title=title, command=IGNORE, arguments=[{"uri": uri, "version": version, "rule": f.rule, "text": span.strip()}])))
        title = f"Ignore {f.rule} in this draft"
        out.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                                    command=types.Command(title=title, command=IGNORE, arguments=[{"uri": uri, "version": version, "rule": f.rule}])))
    if f.rule == NEAR_MISS and analysis.glossary_dir is not None and f.start < f.end:
        term = text[f.start:f.end].strip()
        title = f"Add \u201c{visible_controls(term)}\u201d to the glossary ({LOCAL_TERMS})"
        out.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                                    command=types.Command(title=title, command=ADD_TERM, arguments=[{"uri": uri, "term": term}])))
    return out


def _argument(args) -> dict | None:
    return args[0] if args and isinstance(args[0], dict) else None


async def _same_version(ls: ReplydeskServer, arg: dict):
    """The document and its current analysis when the command's version is still current; else None (and said)."""
    uri = arg.get("uri")
    doc = ls.workspace.text_documents.get(uri) if isinstance(uri, str) else None
    if doc is None:
        ls.say("the document is not open")
        return None
    if "version" in arg and arg["version"] != doc.version:
        ls.say("the draft changed since this action was offered; ask for it again")
        return None
    return doc


def _edit(uri: str, version, lines: LineMap, edits: list[tuple[int, int, str]]) -> types.WorkspaceEdit:
    text_edits = [types.TextEdit(range=span_range(lines, a, b), new_text=r) for a, b, r in edits]
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=text_edits)])


@server.command(APPLY_FIX)
async def apply_fix(ls: ReplydeskServer, *args) -> bool:
    arg = _argument(args)
    doc = await _same_version(ls, arg or {})
    if doc is None:
        return False
    try:
        start, end, replacement = int(arg["start"]), int(arg["end"]), str(arg["replacement"])
    except (KeyError, TypeError, ValueError):
        ls.say("applyFix needs start, end and replacement")
        return False
    shift = 1 if doc.source.startswith("\ufeff") else 0
    lines = LineMap(doc.source, ls.encoding())
    return await ls.apply("replydesk fix", _edit(doc.uri, doc.version, lines, [(start + shift, end + shift, replacement)]))


@server.command(FIX_ALL)
async def fix_all(ls: ReplydeskServer, *args) -> int:
    arg = _argument(args) or {}
    doc = await _same_version(ls, arg)
    if doc is None:
        return 0
    version = doc.version
    done = await ls.current(doc.uri)
    # The lint awaited above lets changes arrive: the edit is built from the analysed text and
    # sent only for the version that text is, or a fix would land on other words.
    if done is None or done[0] != version or doc.version != version:
        ls.say("the draft changed while it was being fixed; ask again")
        return 0
    from ..fixer import chosen_fixes

    analysis = done[1]
    fixes = chosen_fixes(analysis.text[analysis.shift:], analysis.findings, unsafe=bool(arg.get("unsafe")) and ls.options.unsafe_fixes)
    if not fixes:
        return 0
    lines = LineMap(analysis.text, ls.encoding())
    s = analysis.shift
    applied = await ls.apply("replydesk: fix all", _edit(doc.uri, version, lines, [(x.start + s, x.end + s, x.replacement) for x in fixes]))
    return len(fixes) if applied else 0


@server.command(IGNORE)
async def ignore(ls: ReplydeskServer, *args) -> bool:
    from ..frontmatter import FrontMatterError, add_ignore

    arg = _argument(args) or {}
    doc = await _same_version(ls, arg)
    if doc is None:
        return False
    rule = str(arg.get("rule", "")).strip().upper()
    if not re.fullmatch(r"[A-Z]+[0-9]*", rule):
        ls.say(f"not a rule code: {rule!r}")
        return False
    quote = arg.get("text")
    try:
        edit = add_ignore(doc.source, rule, quote=quote if isinstance(quote, str) and quote.strip() else None)
    except FrontMatterError as exc:
        ls.say(f"cannot add the ignore: {exc}")
        return False
    if edit is None:
        ls.say(f"{rule} is already ignored there", types.MessageType.Info)
        return True
    lines = LineMap(doc.source, ls.encoding())
    return await ls.apply(f"replydesk: ignore {rule}", _edit(doc.uri, doc.version, lines, [(edit.start, edit.end, edit.replacement)]))


@server.command(ADD_TERM)
async def add_term(ls: ReplydeskServer, *args) -> bool:
    arg = _argument(args) or {}
    uri, term = arg.get("uri"), arg.get("term")
    path = ls.path_of(uri) if isinstance(uri, str) else None
    if path is None or not isinstance(term, str) or not term.strip():
        ls.say("addTerm needs the draft's uri and the term")
        return False
    # The glossary file is the team's: when it is open in the editor the edit goes there (the
    # editor owns its text, unsaved changes and undo included, and saving it lints again); when
    # it is not, the server writes it, atomically and only if unchanged, as harper-ls writes its
    # dictionary, so that the near miss is gone at once instead of waiting in an unsaved buffer.
    try:
        target, original, new_text = await ls.call("term_edit", path, term.strip(), None)
        target_uri = from_fs_path(str(target))
        open_doc = ls.workspace.text_documents.get(target_uri)
        if open_doc is not None:
            source, version = open_doc.source, open_doc.version  # together, before anything is awaited
            target, original, new_text = await ls.call("term_edit", path, term.strip(), source)
            if open_doc.version != version:
                ls.say(f"{target} changed while the term was being added; ask again")
                return False
            lines = LineMap(source, ls.encoding())
            edit = _edit(target_uri, version, lines, [(0, len(source), new_text)])
            return await ls.apply(f"replydesk: add {term} to the glossary", edit)
        await ls.call("write_term", target, original, new_text)
    except WorkerError as exc:
        ls.say(str(exc).split("\n")[0].removeprefix("TermError: "))
        return False
    ls.say(f"added \u201c{term.strip()}\u201d to {target}", types.MessageType.Info)
    await ls.call("forget")
    for other in list(ls.workspace.text_documents):
        ls.schedule(other, 0.0)
    return True
