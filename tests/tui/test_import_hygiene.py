"""The console script and the desk must start without spaCy or langdetect (and the CLI without Textual)."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "langdetect", "thinc")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_importing_the_entry_point_loads_neither_textual_nor_nlp():
    modules = loaded_after("import replydesk.tui.entry")
    assert not {"textual", *HEAVY} & modules


def test_importing_the_app_loads_no_nlp_library():
    modules = loaded_after("import replydesk.tui.app")
    assert "textual" in modules  # the check itself works
    assert not set(HEAVY) & modules


def test_help_runs_without_textual():
    modules = loaded_after("from replydesk.tui.entry import main\nimport io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()): main(['--help'])")
    assert "textual" not in modules
