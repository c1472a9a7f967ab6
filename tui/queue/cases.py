"""The desk's view of case files: the schema itself lives in the core (`linting/casefile.py`).

A queue case is a `replydesk.linting.casefile.Case`; the desk, `lint --case`
and the importer read, validate and write it through that one module. What
is the desk's own is here: the rule that an id may name a file.
"""
from __future__ import annotations

from replydesk.linting.casefile import (  # noqa: F401  (the queue package's names for the core's)
    ID_PATTERN,
    PRIORITIES,
    REQUIRED_KEYS,
    STATUSES,
    Case,
    CaseFileError,
    case_from_mapping,
    dump_case,
    load_case,
    search_text,
)
from replydesk.linting.context import KST  # noqa: F401  (the desk's clock zone, defined with the case schema)


def checked_id(case_id) -> str:
    """The id itself when it is safe to put in a file name; else a CaseFileError.

    Every path the queue builds from an id (case, draft, lock, journal)
    goes through this, so `../x`, `/etc/passwd` or a NUL can never name a
    file outside the queue directory, whatever the caller forgot to check.
    """
    if not isinstance(case_id, str) or not ID_PATTERN.fullmatch(case_id):
        raise CaseFileError(
            None, None, f"refusing case id {case_id!r}: ids are 1-80 letters, digits, '.', '_' or '-' (no paths)"
        )
    return case_id
