"""The pure core does no hidden work at import, and `Linter.warm()` is the one place that warms it.

Importing the linter (the desk does it before its first screen) must not
read data files; the first lint, or `warm()`, reads each once.
"""
from __future__ import annotations

import subprocess
import sys

_PROBE = """
import replydesk.linting.cli, replydesk.linting.engine, replydesk.linting.registry as registry
registry.checks()
from replydesk.linting import lemmas, normalise, scripts
loaded = [scripts.language_data.cache_info().currsize, normalise.invisible_table.cache_info().currsize]
from replydesk.linting.loading import build_linter
linter = build_linter()
linter.warm()
loaded += [scripts.language_data.cache_info().currsize, normalise.invisible_table.cache_info().currsize]
loaded.append(registry._examples.cache_info().currsize)  # the fixtures are for explain and the tests
print(loaded)
"""


def test_importing_the_core_reads_no_data_and_warm_loads_it_but_not_the_fixtures():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[0,", "0,", "1,", "1,", "0]"]


def test_warm_leaves_lint_results_unchanged(linter):
    text = "We are very anxious!! Please contact us on WhatsApp. 배송완료 되었습니다."
    before = linter.lint_text(text).findings
    linter.warm()
    assert linter.lint_text(text).findings == before
