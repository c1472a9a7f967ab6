"""A real LSP client (pytest-lsp's, on pygls) driving `replydesk lsp` in a subprocess over stdio.

`Editor` plays the part of VS Code: it opens documents, sends incremental
changes, keeps every diagnostics notification with its version, and
answers `workspace/applyEdit` by applying the edit to its own copy of the
text and telling the server (`didChange`), as an editor does; a CreateFile
is written to disk, as VS Code does when the edit is applied and saved.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import default_converter


class Editor:
    def __init__(self, client: LanguageClient, encoding: str = "utf-16"):
        self.client = client
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.published: list[types.PublishDiagnosticsParams] = []
        self.arrived = asyncio.Event()
        self.edits: list[types.WorkspaceEdit] = []
        self.encoding = encoding
        self.full_sync = False  # set from the server's textDocumentSync, as an editor honours it

    @property
    def messages(self) -> list[str]:
        """The server's window/showMessage texts (pytest-lsp's client keeps them)."""
        return [m.message for m in self.client.messages]

    # -- documents --
    def open(self, path: Path, text: str | None = None, language: str = "plaintext") -> str:
        uri = from_fs_path(str(path))
        text = path.read_text(encoding="utf-8") if text is None else text
        self.texts[uri] = text
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return uri

    def replace(self, uri: str, old: str, new: str) -> None:
        """An incremental change: the first `old` becomes `new`."""
        text = self.texts[uri]
        at = text.index(old)
        self.change(uri, at, at + len(old), new)

    def change(self, uri: str, start: int, end: int, new: str) -> None:
        text = self.texts[uri]
        rng = types.Range(self.position(text, start), self.position(text, end))
        self.texts[uri] = text[:start] + new + text[end:]
        self.versions[uri] += 1
        change = (types.TextDocumentContentChangeWholeDocument(text=self.texts[uri]) if self.full_sync
                  else types.TextDocumentContentChangePartial(range=rng, text=new))
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[change]))

    def save(self, uri: str) -> None:
        Path(to_fs_path(uri)).write_text(self.texts[uri], encoding="utf-8")
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))

    def position(self, text: str, offset: int) -> types.Position:
        before = text[:offset]
        line = before.count("\n")
        col = before[before.rfind("\n") + 1:]
        return types.Position(line, len(col) + sum(1 for c in col if ord(c) > 0xFFFF))

    def offset(self, text: str, pos: types.Position) -> int:
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        start = starts[pos.line] if pos.line < len(starts) else len(text)
        units, i = 0, start
        while units < pos.character and i < len(text) and text[i] != "\n":
            units += 2 if ord(text[i]) > 0xFFFF else 1
            i += 1
        return i

    def span(self, uri: str, rng: types.Range) -> str:
        text = self.texts[uri]
        return text[self.offset(text, rng.start):self.offset(text, rng.end)]

    # -- what the server sent --
    async def diagnostics(self, uri: str, version: int | None = None, timeout: float = 20.0) -> list[types.Diagnostic]:
        """The first diagnostics for `uri` at `version` (default: the document's current one)."""
        version = self.versions.get(uri) if version is None else version
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for p in self.published:
                if p.uri == uri and (p.version == version or version is None):
                    return list(p.diagnostics)
            self.arrived.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no diagnostics for {uri} version {version}; got {[(p.uri, p.version) for p in self.published]}")
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def apply(self, edit: types.WorkspaceEdit) -> None:
        for change in edit.document_changes or []:
            if isinstance(change, types.CreateFile):
                path = Path(to_fs_path(change.uri))
                if not path.exists():
                    path.write_text("", encoding="utf-8")
                continue
            uri = change.text_document.uri
            if uri not in self.texts:  # not open: edit the file on disk, as an editor applying and saving would
                path = Path(to_fs_path(uri))
                text = path.read_text(encoding="utf-8") if path.exists() else ""
                path.write_text(_apply_edits(self, text, change.edits), encoding="utf-8")
                continue
            if change.text_document.version is not None and change.text_document.version != self.versions[uri]:
                raise AssertionError(f"edit for version {change.text_document.version}, document is at {self.versions[uri]}")
            # As an editor does: one didChange per edit, last edit first so offsets hold.
            text = self.texts[uri]
            for e in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
                self.change(uri, self.offset(self.texts[uri], e.range.start), self.offset(self.texts[uri], e.range.end), e.new_text)
            assert self.texts[uri] == _apply_edits(self, text, change.edits)


def _apply_edits(editor: Editor, text: str, edits) -> str:
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a, b = editor.offset(text, e.range.start), editor.offset(text, e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


def _code_action_or_command(converter):
    """lsprotocol's hook reads any object with a `command` key as a Command, so a CodeAction
    carrying a command (the LSP 3.16 shape every editor reads by `typeof command`) came back
    as a Command. Decide as editors do: a Command's `command` is a string."""
    from typing import Union

    def hook(obj, _):
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], hook)
    return converter


def _converter():
    return _code_action_or_command(default_converter())


async def start_editor(cwd: Path, *, options: dict | None = None, spec: str = "visual-studio-code") -> tuple[LanguageClient, Editor]:
    client = LanguageClient(converter_factory=_converter)
    editor = Editor(client)
    register_lsp_features(client, {k: v for k, v in DEFAULT_CLIENT_FEATURES.items() if k != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS})

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(ls, params: types.PublishDiagnosticsParams):
        editor.published.append(params)
        editor.arrived.set()

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def _apply(ls, params: types.ApplyWorkspaceEditParams):
        editor.edits.append(params.edit)
        editor.apply(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    env = dict(os.environ, XDG_CACHE_HOME=str(cwd / ".cache"), REPLYDESK_CACHE_DIR=str(cwd / ".cache" / "glossaries"))
    await client.start_io(sys.executable, "-m", "replydesk.tui.entry", "lsp", cwd=str(cwd), env=env)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(spec),
        root_uri=from_fs_path(str(cwd)),
        workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(cwd)), name="drafts")],
        initialization_options={"debounceMs": 40, **(options or {})},
    ))
    sync = result.capabilities.text_document_sync
    kind = sync.change if isinstance(sync, types.TextDocumentSyncOptions) else sync
    editor.full_sync = kind == types.TextDocumentSyncKind.Full
    return client, editor


@contextlib.asynccontextmanager
async def running_editor(cwd: Path, **kwargs):
    """An editor on its own server (other options or capabilities than the fixture's), shut down after."""
    client, editor = await start_editor(cwd, **kwargs)
    try:
        yield editor
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A team's repository: replydesk.toml naming a glossary folder, and drafts."""
    (tmp_path / "words").mkdir()
    (tmp_path / "replydesk.toml").write_text('glossary_dirs = ["words"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    return tmp_path


@pytest_asyncio.fixture
async def editor(project: Path):
    async with running_editor(project) as editor:
        yield editor
