"""`replydesk lsp` over stdio with a real client: diagnostics, changes, code actions, hover, data files."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from .conftest import running_editor, start_editor

EN = '+++\nplatform = "coupang"\n+++\nWe apologise for the delivery delay; the invoice number is 340010913442.\n'
KO = '+++\nplatform = "coupang"\n+++\n풀필먼트 센터에서 2024-05-12 14:22 KST에 출고되었습니다. 😀 송장번호는 340010913442입니다.\n'
ZH = '+++\nplatform = "coupang"\n+++\nOrder 22000009546234 was delivered on 2024-05-12 14:22 KST. 我们已经发货了，请查看附件。\n'


def by_code(editor, uri, diagnostics, code):
    return [editor.span(uri, d.range) for d in diagnostics if d.code == code]


async def test_open_publishes_diagnostics_with_code_link_source_and_suggestion(editor, project):
    uri = editor.open(project / "drafts" / "en.txt", EN)
    diags = await editor.diagnostics(uri, 1)
    assert by_code(editor, uri, diags, "TERM001") == ["delivery delay", "invoice number"]
    d = next(d for d in diags if d.code == "TERM001")
    assert d.source == "replydesk"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.range == types.Range(types.Position(3, 21), types.Position(3, 35))
    assert "→ shipping delay" in d.message
    page = Path(to_fs_path(d.code_description.href))
    assert page.is_file() and "TERM001" in page.read_text(encoding="utf-8")
    assert "Why the platform cares" in page.read_text(encoding="utf-8")


async def test_korean_and_chinese_spans_in_utf16_columns(editor, project):
    ko = editor.open(project / "drafts" / "ko.txt", KO)
    diags = await editor.diagnostics(ko, 1)
    assert by_code(editor, ko, diags, "TERM001") == ["풀필먼트 센터"]
    zh = editor.open(project / "drafts" / "zh.txt", ZH)
    diags = await editor.diagnostics(zh, 1)
    assert by_code(editor, zh, diags, "LANG001") == ["我们已经发货了，请查看附件。"]
    # After an emoji (two UTF-16 units), a span still lands on its characters.
    text = KO.replace("풀필먼트 센터에서", "물류센터에서 😀 풀필먼트 센터에서")
    uri = editor.open(project / "drafts" / "ko2.txt", text)
    diags = await editor.diagnostics(uri, 1)
    assert by_code(editor, uri, diags, "TERM001") == ["풀필먼트 센터"]


async def test_edit_updates_diagnostics_and_a_burst_lints_once(editor, project):
    uri = editor.open(project / "drafts" / "en.txt", EN)
    await editor.diagnostics(uri, 1)
    editor.replace(uri, "delivery delay", "shipping delay")
    diags = await editor.diagnostics(uri, 2)
    assert by_code(editor, uri, diags, "TERM001") == ["invoice number"]
    # Five keystrokes inside the debounce: only the last version is linted and published.
    before = len(editor.published)
    for ch in " Tha":
        editor.change(uri, len(editor.texts[uri]) - 1, len(editor.texts[uri]) - 1, ch)
    editor.replace(uri, "invoice number", "waybill number")
    last = editor.versions[uri]
    diags = await editor.diagnostics(uri, last)
    assert by_code(editor, uri, diags, "TERM001") == []
    await asyncio.sleep(0.3)
    versions = [p.version for p in editor.published[before:] if p.uri == uri]
    assert versions == [last]


async def test_save_lints_again(editor, project):
    path = project / "drafts" / "en.txt"
    path.write_text(EN, encoding="utf-8")
    uri = editor.open(path)
    await editor.diagnostics(uri, 1)
    n = len(editor.published)
    editor.save(uri)
    for _ in range(100):
        if len(editor.published) > n:
            break
        await asyncio.sleep(0.05)
    assert len(editor.published) > n  # a new publication, not the one from opening
    assert editor.published[-1].uri == uri and editor.published[-1].version == 1


async def actions(editor, uri, diag, only=None):
    return await editor.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=diag.range,
        context=types.CodeActionContext(diagnostics=[diag], only=only)))


async def run(editor, action):
    return await editor.client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments))


async def test_code_action_applies_the_fix(editor, project):
    uri = editor.open(project / "drafts" / "en.txt", EN)
    diags = await editor.diagnostics(uri, 1)
    d = next(d for d in diags if editor.span(uri, d.range) == "delivery delay")
    offered = await actions(editor, uri, d)
    fix = offered[0]
    assert fix.title == "Replace with “shipping delay”"
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.edit is None and fix.command.command == "replydesk.applyFix"  # a server command: no client plugin
    assert await run(editor, fix) is True
    assert "We apologise for the shipping delay; the invoice number" in editor.texts[uri]
    diags = await editor.diagnostics(uri, 2)
    assert by_code(editor, uri, diags, "TERM001") == ["invoice number"]


async def test_fix_all_is_a_source_action(editor, project):
    uri = editor.open(project / "drafts" / "en.txt", EN)
    diags = await editor.diagnostics(uri, 1)
    offered = await actions(editor, uri, diags[0], only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in offered] == ["source.fixAll.replydesk"]
    assert await run(editor, offered[0]) == 2
    assert "shipping delay; the waybill number is" in editor.texts[uri]


async def test_unsafe_fix_is_offered_only_when_enabled(project):
    text = '+++\nplatform = "coupang"\norder_ids = ["22000009546234"]\n+++\nOrder 22000009546235 was delivered on 2024-05-12 14:22 KST.\n'
    for enabled in (False, True):
        async with running_editor(project, options={"unsafeFixes": enabled}) as editor:
            uri = editor.open(project / "drafts" / "id.txt", text)
            diags = await editor.diagnostics(uri, 1)
            d = next(d for d in diags if d.code == "ID001")
            titles = [a.title for a in await actions(editor, uri, d)]
            replace = [t for t in titles if t.startswith("Replace with")]
            assert replace == (["Replace with “22000009546234” (changes a fact: check it)"] if enabled else [])


async def test_ignore_actions_edit_the_front_matter_not_the_reply(editor, project):
    uri = editor.open(project / "drafts" / "en.txt", EN)
    diags = await editor.diagnostics(uri, 1)
    d = next(d for d in diags if editor.span(uri, d.range) == "invoice number")
    offered = {a.title: a for a in await actions(editor, uri, d)}
    here = offered["Ignore TERM001 here (only in “invoice number”)"]
    assert await run(editor, here) is True
    text = editor.texts[uri]
    assert text.startswith('+++\nplatform = "coupang"\nignore = [{rule = "TERM001", text = "invoice number"}]\n+++\n')
    assert text.endswith(EN.split("+++\n")[2])  # the reply itself is unchanged
    diags = await editor.diagnostics(uri, 2)
    assert by_code(editor, uri, diags, "TERM001") == ["delivery delay"]
    d = next(d for d in diags if d.code == "TERM001")
    whole = {a.title: a for a in await actions(editor, uri, d)}["Ignore TERM001 in this draft"]
    assert await run(editor, whole) is True
    assert 'ignore = [{rule = "TERM001", text = "invoice number"}, "TERM001"]' in editor.texts[uri]
    diags = await editor.diagnostics(uri, 3)
    assert by_code(editor, uri, diags, "TERM001") == []


async def test_ignore_action_adds_front_matter_to_a_plain_draft(editor, project):
    body = "We apologise for the delivery delay.\n"
    uri = editor.open(project / "drafts" / "plain.txt", "+++\nplatform = \"coupang\"\n+++\n" + body)
    diags = await editor.diagnostics(uri, 1)
    plain = editor.open(project / "drafts" / "bare.txt", "Order 22000009546234 was delivered yesterday.\n")
    diags = await editor.diagnostics(plain, 1)
    d = diags[0]
    whole = next(a for a in await actions(editor, plain, d) if a.title.endswith("in this draft"))
    assert await run(editor, whole) is True
    assert editor.texts[plain] == f'+++\nignore = ["{d.code}"]\n+++\nOrder 22000009546234 was delivered yesterday.\n'
    diags = await editor.diagnostics(plain, 2)
    assert d.code not in [x.code for x in diags]


async def test_queue_draft_uses_its_case_file_and_gets_no_front_matter_action(editor, project):
    queue = project / "queue"
    (queue / "drafts").mkdir(parents=True)
    (queue / "cases").mkdir()
    (queue / "cases" / "CP-1.json").write_text(json.dumps({
        "id": "CP-1", "platform": "coupang", "kind": "general", "order_ids": ["22000009546234"],
        "ignore": [{"rule": "TERM001", "text": "invoice number", "reason": "the buyer's words", "by": "op1"}]}), encoding="utf-8")
    body = "Order 22000009546235 was delivered; the invoice number and the delivery delay are checked.\n"
    uri = editor.open(queue / "drafts" / "CP-1.txt", body)
    diags = await editor.diagnostics(uri, 1)
    assert "ID001" in [d.code for d in diags]  # the case's order ID, from the case file
    assert by_code(editor, uri, diags, "TERM001") == ["delivery delay"]  # the case's ignore holds
    d = next(d for d in diags if d.code == "TERM001")
    titles = [a.title for a in await actions(editor, uri, d, only=[types.CodeActionKind.QuickFix])]
    assert titles == ["Replace with “shipping delay”"]


async def test_add_term_to_the_glossary(editor, project):
    text = '+++\nplatform = "coupang"\n+++\nThe Deliverix courier called; please find the waybill number attached.\n'
    uri = editor.open(project / "drafts" / "near.txt", text)
    diags = await editor.diagnostics(uri, 1)
    d = next(d for d in diags if d.code == "TERM002")
    assert editor.span(uri, d.range) == "Deliverix"
    add = next(a for a in await actions(editor, uri, d) if a.title.startswith("Add"))
    assert add.title == "Add “Deliverix” to the glossary (local-terms.toml)"
    assert await run(editor, add) is True
    glossary = project / "words" / "local-terms.toml"
    written = glossary.read_text(encoding="utf-8")
    assert '[[entry]]\nid = "deliverix"\nen = "Deliverix"' in written
    assert any("added “Deliverix” to" in m for m in editor.messages)
    # The glossary now holds the word: the draft is linted again, and the near miss is gone.
    for _ in range(100):
        last = [p for p in editor.published if p.uri == uri][-1]
        if "TERM002" not in [x.code for x in last.diagnostics]:
            break
        await asyncio.sleep(0.05)
    assert "TERM002" not in [x.code for x in last.diagnostics]


async def test_add_term_goes_into_the_glossary_open_in_the_editor(editor, project):
    glossary = project / "words" / "local-terms.toml"
    header = '[glossary]\nname = "Local terms"\nlanguages = ["en"]\n'
    glossary.write_text(header, encoding="utf-8")
    guri = editor.open(glossary, language="toml")
    editor.replace(guri, 'name = "Local terms"', 'name = "Our words"')  # unsaved: the editor's text wins
    text = '+++\nplatform = "coupang"\n+++\nThe Deliverix courier called; please find the waybill number attached.\n'
    uri = editor.open(project / "drafts" / "near.txt", text)
    d = next(d for d in await editor.diagnostics(uri, 1) if d.code == "TERM002")
    add = next(a for a in await actions(editor, uri, d) if a.title.startswith("Add"))
    assert await run(editor, add) is True
    assert editor.texts[guri].startswith('[glossary]\nname = "Our words"\n')
    assert 'id = "deliverix"\nen = "Deliverix"' in editor.texts[guri]
    assert glossary.read_text(encoding="utf-8") == header  # on disk once the user saves
    editor.save(guri)
    for _ in range(200):
        last = [p for p in editor.published if p.uri == uri][-1]
        if "TERM002" not in [x.code for x in last.diagnostics]:
            break
        await asyncio.sleep(0.05)
    assert "TERM002" not in [x.code for x in last.diagnostics]


async def test_add_term_without_a_glossary_folder_says_how(project):
    (project / "replydesk.toml").write_text("", encoding="utf-8")
    async with running_editor(project) as editor:
        text = '+++\nplatform = "coupang"\n+++\nThe Deliverix courier called.\n'
        uri = editor.open(project / "drafts" / "near.txt", text)
        d = next(d for d in await editor.diagnostics(uri, 1) if d.code == "TERM002")
        titles = [a.title for a in await actions(editor, uri, d)]
        assert not [t for t in titles if t.startswith("Add")]  # offered only where it can be written


async def test_hover_explains_the_rule(editor, project):
    uri = editor.open(project / "drafts" / "en.txt", EN)
    diags = await editor.diagnostics(uri, 1)
    d = next(d for d in diags if d.code == "TERM001")
    hover = await editor.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(3, 25)))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**TERM001** (warning): Use \"shipping delay\"")
    assert "Why the platform cares:" in hover.contents.value
    assert hover.range == d.range
    nothing = await editor.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(3, 2)))
    assert nothing is None


async def test_broken_config_is_one_clear_diagnostic(project):
    (project / "replydesk.toml").write_text('glossary_dirs = ["words"]\nselect = 5\n', encoding="utf-8")
    async with running_editor(project) as editor:
        uri = editor.open(project / "drafts" / "en.txt", EN)
        diags = await editor.diagnostics(uri, 1)
        assert len(diags) == 1
        assert diags[0].code == "config" and diags[0].severity == types.DiagnosticSeverity.Error
        assert "replydesk.toml:2" in diags[0].message and "select" in diags[0].message
        assert diags[0].range.start.line == 0
        cfg = editor.open(project / "replydesk.toml", language="toml")
        diags = await editor.diagnostics(cfg, 1)
        assert [(d.range.start.line, d.code) for d in diags] == [(1, "config")]
        # Fixed and saved: the draft is linted again, with findings this time.
        editor.replace(cfg, "select = 5", 'select = ["ALL"]')
        assert await editor.diagnostics(cfg, 2) == []
        editor.save(cfg)
        for _ in range(200):
            last = [p for p in editor.published if p.uri == uri][-1]
            if any(x.code == "TERM001" for x in last.diagnostics):
                break
            await asyncio.sleep(0.05)
        assert any(x.code == "TERM001" for x in last.diagnostics)
        assert editor.messages == []  # no "Error in server" popups


async def test_broken_front_matter_is_a_diagnostic_at_its_line(editor, project):
    uri = editor.open(project / "drafts" / "fm.txt", '+++\nplatform = "coupang"\nkind = "no-such-kind"\n+++\nHello.\n')
    diags = await editor.diagnostics(uri, 1)
    assert [(d.code, d.range.start.line) for d in diags] == [("front-matter", 2)]
    assert "unknown kind" in diags[0].message
    uri = editor.open(project / "drafts" / "open.txt", '+++\nplatform = "coupang"\nHello.\n')
    diags = await editor.diagnostics(uri, 1)
    assert [d.code for d in diags] == ["front-matter"] and "never closed" in diags[0].message


async def test_glossary_file_gets_check_diagnostics(editor, project):
    path = project / "words" / "team.toml"
    path.write_text(
        '[glossary]\nname = "Team"\nlanguages = ["en"]\n\n[[entry]]\nid = "parcel"\nen = "parcel"\n'
        'avoid = [{ form = "packet", reason = "we say parcel" }]\n'
        'must_flag = ["The [package] arrived."]\n', encoding="utf-8")
    uri = editor.open(path, language="toml")
    diags = await editor.diagnostics(uri, 1)
    assert [(d.code, d.range.start.line, d.severity) for d in diags] == [
        ("self-test", 4, types.DiagnosticSeverity.Warning),  # no must_pass tests
        ("self-test", 8, types.DiagnosticSeverity.Error),  # 'package' was not flagged
    ]
    assert diags[1].range.start.character == 13 and "'package' was not flagged" in diags[1].message
    # An unsaved schema error shows at once, on its line.
    editor.replace(uri, 'id = "parcel"', 'id = "Parcel Bad"')
    diags = await editor.diagnostics(uri, 2)
    assert any(d.code == "schema" and d.range.start.line == 5 for d in diags)


async def test_files_that_are_not_drafts_are_left_alone(editor, project):
    uri = editor.open(project / "notes.md", "We apologise for the delivery delay.\n", language="markdown")
    editor.open(project / "drafts" / "en.txt", EN)
    await editor.diagnostics(from_fs_path(str(project / "drafts" / "en.txt")), 1)
    await asyncio.sleep(0.2)
    assert not [p for p in editor.published if p.uri == uri]


async def test_rule_links_follow_the_teams_template(project):
    async with running_editor(project, options={"ruleDocs": "https://wiki.example/replydesk/{code}"}) as editor:
        uri = editor.open(project / "drafts" / "en.txt", EN)
        diags = await editor.diagnostics(uri, 1)
        assert {d.code_description.href for d in diags if d.code == "TERM001"} == {"https://wiki.example/replydesk/TERM001"}


async def test_configured_draft_glob(project):
    async with running_editor(project, options={"drafts": ["*.md"]}) as editor:
        uri = editor.open(project / "reply.md", EN, language="markdown")
        diags = await editor.diagnostics(uri, 1)
        assert by_code(editor, uri, diags, "TERM001") == ["delivery delay", "invoice number"]


@pytest.mark.parametrize("spec", ["neovim", "emacs"])
async def test_other_clients(project, spec):
    async with running_editor(project, spec=spec) as editor:
        uri = editor.open(project / "drafts" / "en.txt", EN)
        diags = await editor.diagnostics(uri, 1)
        assert by_code(editor, uri, diags, "TERM001") == ["delivery delay", "invoice number"]


async def test_a_killed_linting_process_is_restarted(editor, project):
    import os
    import signal
    import subprocess

    uri = editor.open(project / "drafts" / "en.txt", EN)
    await editor.diagnostics(uri, 1)
    server_pid = editor.client._server.pid
    children = subprocess.run(["pgrep", "-P", str(server_pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 1, children  # the linting process (worker.py)
    os.kill(int(children[0]), signal.SIGKILL)
    editor.replace(uri, "delivery delay", "shipping delay")
    diags = await editor.diagnostics(uri, 2)
    assert by_code(editor, uri, diags, "TERM001") == ["invoice number"]  # linted by a new process
    after = subprocess.run(["pgrep", "-P", str(server_pid)], capture_output=True, text=True).stdout.split()
    assert len(after) == 1 and after != children


async def test_hostile_drafts_are_one_diagnostic_each_and_the_server_lives(editor, project):
    nul = editor.open(project / "drafts" / "nul.txt", "Order 1\x00 shipped.\n")
    diags = await editor.diagnostics(nul, 1)
    assert [(d.code, d.range.start.line) for d in diags] == [("front-matter", 0)] and "NUL" in diags[0].message
    huge = editor.open(project / "drafts" / "huge.txt", "a" * 1_000_001)
    diags = await editor.diagnostics(huge, 1)
    assert len(diags) == 1 and "the limit is 1,000,000 characters" in diags[0].message
    esc = editor.open(project / "drafts" / "esc.txt", '+++\nplatform = "coupang"\nattachments = ["proof\\u001b[2J.exe"]\n+++\n'
                      'Order 22000009546234 was delivered on 2024-05-12 14:22 KST; the proof of delivery is attached.\n')
    diags = await editor.diagnostics(esc, 1)
    assert diags and not any("\x1b" in d.message for d in diags)
    assert any("'proof␛[2J.exe'" in d.message for d in diags)  # the quoted name shows the ESC, visibly
    zh = editor.open(project / "drafts" / "zh-esc.txt", ZH.replace("请查看附件", "请\x1b[2J查看附件"))
    d = next(d for d in await editor.diagnostics(zh, 1) if d.code == "LANG001")
    titles = [a.title for a in await actions(editor, zh, d)]
    assert "Ignore LANG001 here (only in “我们已经发货了，请␛[2J查看附件。”)" in titles  # a menu in a terminal
    ok = editor.open(project / "drafts" / "en.txt", EN)
    assert by_code(editor, ok, await editor.diagnostics(ok, 1), "TERM001") == ["delivery delay", "invoice number"]


async def test_text_with_unicode_line_separators_stays_in_step(editor, project):
    # U+2028 and a form feed are line breaks to str.splitlines() but not to LSP clients.
    text = '+++\nplatform = "coupang"\n+++\nOrder 22000009546234\u2028was delivered.\x0c We apologise for the invoice number.\n'
    uri = editor.open(project / "drafts" / "ls.txt", text)
    assert by_code(editor, uri, await editor.diagnostics(uri, 1), "TERM001") == ["invoice number"]
    editor.replace(uri, "invoice number", "waybill number")
    assert by_code(editor, uri, await editor.diagnostics(uri, 2), "TERM001") == []


async def test_a_file_that_stops_being_a_glossary_loses_its_diagnostics(editor, project):
    path = project / "words" / "team.toml"
    path.write_text('[glossary]\nname = "Team"\nlanguages = ["en"]\n\n[[entry]]\nid = "Bad Id"\nen = "parcel"\n', encoding="utf-8")
    uri = editor.open(path, language="toml")
    assert await editor.diagnostics(uri, 1)
    editor.replace(uri, "[glossary]", "[notes]")
    assert await editor.diagnostics(uri, 2) == []


async def test_exit_codes_follow_the_protocol(project):
    client, editor = await start_editor(project)
    await client.shutdown_session()
    assert client._server.returncode == 0
    await client.stop()
    client, editor = await start_editor(project)
    client.exit(None)  # no shutdown first
    assert await asyncio.wait_for(client._server.wait(), 20) == 1
    await client.stop()
