"""Refuse regex forms that could hang the linter (Vale #87 class of bugs).

Python's `re` backtracks, so a pattern such as `(\\w+\\s?)+$` takes
exponential time on a near-miss, and `[\\w.]+@x` takes quadratic time on a
long run of letters because the search restarts inside the run. `problems()`
finds these shapes in the parse tree before a pattern is ever used;
`probe()` (run by `glossary check`) times the pattern on growing adversarial
inputs as a second opinion.
"""
from __future__ import annotations

import re
import time

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

UNBOUNDED = 50  # a repeat allowing more than this counts as unbounded
_SAMPLES = "aZ0 \t\n.-_@/:+%가中"
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT}
_POSSESSIVE = getattr(C, "POSSESSIVE_REPEAT", None)


def compile_error(pattern: str, flags: int = 0) -> str | None:
    """Why the pattern does not compile, else None (compiled with the flags it will be used with,
    so that the later compile is a hit in `re`'s own cache)."""
    try:
        re.compile(pattern, flags)
    except re.error as exc:
        return f"invalid regex: {exc}"
    return None


def problems(pattern: str, flags: int = 0) -> list[str]:
    """Why this pattern can backtrack catastrophically (empty when it looks safe)."""
    err = compile_error(pattern, flags)
    if err:
        return [err]
    tree = P.parse(pattern)
    found: list[str] = []
    _walk(list(tree), found)
    first = _first_significant(list(tree))
    if first is not None and _is_unbounded(first):
        found.append(
            "starts with an unbounded repeat, so the search restarts inside every run "
            "(quadratic time): begin with a look-behind such as (?<![\\w.])"
        )
    return list(dict.fromkeys(found))


def _is_unbounded(item) -> bool:
    op, av = item
    return op in _REPEATS and (av[1] == C.MAXREPEAT or av[1] > UNBOUNDED)


def _first_significant(items):
    for item in items:
        op, av = item
        if op is C.AT:
            continue
        if op is C.SUBPATTERN:
            return _first_significant(list(av[-1]))
        return item
    return None


def _walk(items, found: list[str]) -> None:
    previous = None
    for item in items:
        op, av = item
        if op in _REPEATS:
            body = list(av[2])
            if _is_unbounded(item):
                if _contains_repeat(body):
                    found.append("nested quantifiers such as (a+)+ backtrack exponentially")
                for sub in body:
                    if sub[0] is C.BRANCH and _branches_overlap(sub[1][1]):
                        found.append("a repeated alternation whose branches can match the same text backtracks exponentially")
                    if sub[0] is C.SUBPATTERN:
                        for inner in sub[1][-1]:
                            if inner[0] is C.BRANCH and _branches_overlap(inner[1][1]):
                                found.append(
                                    "a repeated alternation whose branches can match the same text backtracks exponentially"
                                )
                if previous is not None and _is_unbounded(previous) and _chars(previous) & _chars(item):
                    found.append("two adjacent unbounded repeats over the same characters backtrack polynomially")
            _walk(body, found)
        elif op is C.SUBPATTERN:
            _walk(list(av[-1]), found)
        elif op is C.BRANCH:
            for branch in av[1]:
                _walk(list(branch), found)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(list(av[1]), found)
        if not (op in _REPEATS and av[0] == 0 and not _is_unbounded(item)):
            previous = item


def _contains_repeat(items) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            return True
        if op is C.SUBPATTERN and _contains_repeat(list(av[-1])):
            return True
        if op is C.BRANCH and any(_contains_repeat(list(b)) for b in av[1]):
            return True
    return False


def _branches_overlap(branches) -> bool:
    """Whether two branches can match the same text (the parser has already factored out prefixes)."""
    if sum(1 for b in branches if not list(b)) >= 2:
        return True
    seen: set[str] = set()
    for branch in branches:
        first = _first_chars(list(branch))
        if first & seen:
            return True
        seen |= first
    return False


def _first_chars(items) -> set[str]:
    """Sample characters that can start a match of `items` (over-approximated)."""
    out: set[str] = set()
    for item in items:
        op, av = item
        if op is C.AT or op in (C.ASSERT, C.ASSERT_NOT):
            continue
        chars = _chars(item) if op not in (C.SUBPATTERN, C.BRANCH) else set()
        if op is C.SUBPATTERN:
            chars = _first_chars(list(av[-1]))
        elif op is C.BRANCH:
            for b in av[1]:
                chars |= _first_chars(list(b))
        out |= chars
        optional = op in _REPEATS and av[0] == 0
        if not optional:
            break
    return out


def _chars(item) -> set[str]:
    """Sample characters a single item can match."""
    op, av = item
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.NOT_LITERAL:
        return set(_SAMPLES) - {chr(av)}
    if op is C.ANY:
        return set(_SAMPLES) - {"\n"}
    if op is C.IN:
        return {c for c in _SAMPLES if _in_set(c, av)}
    if op in _REPEATS:
        out: set[str] = set()
        for sub in av[2]:
            out |= _chars(sub) if sub[0] not in (C.SUBPATTERN, C.BRANCH) else _first_chars([sub])
        return out
    if op in (C.SUBPATTERN, C.BRANCH):
        return _first_chars([item])
    return set()


def _in_set(c: str, items) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL and c == chr(av):
            hit = True
        elif op is C.RANGE and av[0] <= ord(c) <= av[1]:
            hit = True
        elif op is C.CATEGORY and _category(c, av):
            hit = True
    return hit != negate


def _category(c: str, cat) -> bool:
    name = str(cat)
    if "DIGIT" in name:
        ok = c.isdigit()
    elif "SPACE" in name:
        ok = c.isspace()
    elif "WORD" in name:
        ok = c.isalnum() or c == "_"
    else:
        return True
    return not ok if "NOT" in name else ok


def probe(pattern: str, budget_s: float = 0.25) -> str | None:
    """Time the pattern on growing adversarial inputs; describe super-linear growth, else None."""
    rx = re.compile(pattern)
    pumps = sorted(_chars_of_pattern(pattern)) or ["a"]
    for pump in pumps[:12]:
        # Exponential blow-up shows on short inputs; stop as soon as one run is slow.
        for n in (8, 12, 16, 20, 24):
            elapsed = _time(rx, pump * n + "\x00")
            if elapsed > 0.05 and (elapsed := _best(rx, pump * n + "\x00")) > 0.05:
                return f"takes {elapsed * 1000:.0f} ms on {n} repetitions of {pump!r}: exponential backtracking"
        small = _time(rx, pump * 2000 + "\x00")
        large = _time(rx, pump * 8000 + "\x00")
        slow = large > budget_s or (large > 0.005 and large > small * 10)
        if slow:  # a busy machine can stall one run: measure again, best of three, before saying so
            small, large = _best(rx, pump * 2000 + "\x00"), _best(rx, pump * 8000 + "\x00")
            slow = large > budget_s or (large > 0.005 and large > small * 10)
        if slow:
            return (
                f"takes {large * 1000:.1f} ms on 8,000 repetitions of {pump!r} "
                f"(vs {small * 1000:.1f} ms on 2,000): super-linear backtracking"
            )
    return None


def _chars_of_pattern(pattern: str) -> set[str]:
    found: set[str] = set()

    def walk(items):
        for item in items:
            op, av = item
            if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
                found.update(_chars(item))
            elif op in _REPEATS:
                walk(av[2])
            elif op is C.SUBPATTERN:
                walk(av[-1])
            elif op is C.BRANCH:
                for b in av[1]:
                    walk(b)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                walk(av[1])

    walk(P.parse(pattern))
    return found


def _best(rx: re.Pattern, text: str, runs: int = 3) -> float:
    return min(_time(rx, text) for _ in range(runs))


def _time(rx: re.Pattern, text: str) -> float:
    t = time.perf_counter()
    rx.search(text)
    return time.perf_counter() - t
