"""Refuse regex forms that could hang the linter (Vale #87 class of bugs).

Python's `re` backtracks, so a pattern such as `(\\w+\\s?)+$` takes
exponential time on a near-miss, and `[\\w.]+@x` takes quadratic time on a
long run of letters because the search restarts inside the run. `problems()`
finds these shapes before a pattern is ever used, in two ways:

- quick shape rules on the parse tree (nested quantifiers, overlapping
  alternatives, adjacent repeats, a leading repeat), which name the fix;
- an ambiguity test on the pattern's position automaton (Glushkov), which
  catches what the parser's rewriting hides from shape rules: `(?:a|aa)+`
  is parsed as `a(?:|a)` inside the repeat, and `\\d*(?:,|)\\d*` has an
  optional item between two repeats. Backtracking is exponential when one
  state can loop back to itself along two different paths reading the same
  text (EDA), and polynomial when two different looping states p and q can
  read the same text looping at p, going from p to q, and looping at q
  (IDA) -- the criteria of Weideman et al., "Analyzing Matching Time
  Behavior of Backtracking Regular Expression Matchers by Using Ambiguity
  of NFA" (2016). Characters are approximated by samples (the pattern's own
  characters, both cases, and one of each common class), which can only
  make the test stricter.

`probe()` (run by `glossary check`) runs the pattern on growing adversarial
inputs that start with what leads up to each repeat (the pattern's literal
prefix: `x(?:a|aa)+y` is only slow after an `x`) as a second opinion, and
decides by how the CPU time grows, not by wall time, so a busy machine
does not make a safe pattern look slow.
"""
from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field

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
    tree = P.parse(pattern, flags)
    found: list[str] = []
    _walk(list(tree), found)
    first = _first_significant(list(tree))
    if first is not None and _is_unbounded(first):
        found.append(
            "starts with an unbounded repeat, so the search restarts inside every run and "
            "can backtrack quadratically: begin with a look-behind such as (?<![\\w.])"
        )
    if not found:
        ignorecase = bool((flags | tree.state.flags) & re.IGNORECASE)
        found += ambiguity(tree, _alphabet(pattern, ignorecase), ignorecase)
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
                    found.append("nested quantifiers such as (a+)+ can backtrack exponentially")
                for sub in body:
                    if sub[0] is C.BRANCH and _branches_overlap(sub[1][1]):
                        found.append("a repeated alternation whose branches can match the same text can backtrack exponentially")
                    if sub[0] is C.SUBPATTERN:
                        for inner in sub[1][-1]:
                            if inner[0] is C.BRANCH and _branches_overlap(inner[1][1]):
                                found.append(
                                    "a repeated alternation whose branches can match the same text can backtrack exponentially"
                                )
                if previous is not None and _is_unbounded(previous) and _chars(previous) & _chars(item):
                    found.append("two adjacent unbounded repeats over the same characters can backtrack polynomially")
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


def probe(pattern: str, budget_s: float = 0.25, flags: int = 0) -> str | None:
    """Run the pattern on growing adversarial inputs; describe super-linear growth, else None.

    Each input is a lead-in (the shortest text that reaches a repeat of the pattern: its literal
    prefix, `x` in `x(?:a|aa)+y`), that repeat's own cycle pumped n times, and a character that
    makes the match fail; the bare pattern characters pumped without a lead-in are tried too (the
    search restarting inside a run). The verdict rests on how the CPU time of this thread grows with
    n (best of three when a figure would condemn the pattern), so another process taking the CPU
    makes nothing look slow.
    """
    rx = re.compile(pattern, flags)
    for lead, unit in _probe_inputs(pattern, flags):
        found = _growth(rx, lead, unit, budget_s)
        if found:
            return found
    return None


# Repetitions tried, in order: small steps first (an exponential pattern is caught before one run
# can take long), then steps of 1.5x up to 8,000. The run stops at the first slow figure.
_STEPS = (8, 12, 16, 20, 24, 28, 32, 36, 40, 60, 90, 135, 200, 300, 450, 675, 1000, 1500, 2250, 3400, 5000, 8000)
_MEASURABLE = 0.0003  # CPU seconds: below this a figure is too coarse to compare


def _growth(rx: re.Pattern, lead: str, unit: str, budget_s: float) -> str | None:
    """Describe how the search time grows with the repetitions of `unit` after `lead`, if faster than linear.

    The exponent k of time ~ n^k is read off two measurable figures at least 1.15x apart in n;
    linear searches give k near 1, quadratic 2, exponential far more. A figure that would condemn
    the pattern is measured again (best of three, both ends) before it does.
    """
    shown = f"{lead!r} + " if lead else ""
    text = lambda n: lead + unit * n + "\x00"  # noqa: E731
    seen: list[tuple[int, float]] = []
    for n in _STEPS:
        elapsed = _cpu(rx, text(n))
        if elapsed >= 0.005:
            ref = next(((m, t) for m, t in reversed(seen) if t >= _MEASURABLE and n >= 1.15 * m), None)
            if ref is not None:
                m = ref[0]
                k = math.log(max(elapsed, 1e-9) / ref[1]) / math.log(n / m)
                if k > 1.5 or elapsed > budget_s:
                    elapsed, t_ref = _best(rx, text(n)), _best(rx, text(m))
                    k = math.log(max(elapsed, 1e-9) / max(t_ref, 1e-9)) / math.log(n / m)
                    if k > 1.5 and n > 40 and elapsed < budget_s and not _grows_on(rx, text, n, elapsed, budget_s):
                        k = 1.0  # one slow moment of the machine, not the pattern: the next step was linear
                    if k > 1.5:
                        kind = "exponential" if n <= 40 else "super-linear"
                        return (
                            f"takes {elapsed * 1000:.1f} ms on {shown}{n:,} repetitions of {unit!r} "
                            f"(vs {t_ref * 1000:.1f} ms on {m:,}): {kind} backtracking"
                        )
        if elapsed > budget_s:
            break  # slow but linear: a long pattern; larger inputs would only take longer
        seen.append((n, elapsed))
    return None


def _probe_inputs(pattern: str, flags: int = 0) -> list[tuple[str, str]]:
    """(lead-in, unit to pump) pairs: one per repeat of the pattern's automaton, then single characters."""
    out: list[tuple[str, str]] = []
    try:
        tree = P.parse(pattern, flags)
        ignorecase = bool((flags | tree.state.flags) & re.IGNORECASE)
        nfa = _Automaton()
        first, _, _ = _build(list(tree), nfa, _alphabet(pattern, ignorecase), ignorecase)
        nfa.follow[0] = set(first)
        looping, _ = _loops(nfa)
    except (_TooLarge, re.error, RecursionError):
        looping = []
    for comp in looping[:12]:
        lead = _path(nfa, 0, comp)
        if lead is None:
            continue
        state, text = lead
        cycle = _path(nfa, state, {state}, at_least_one=True)
        if cycle is not None and cycle[1]:
            out.append((text, cycle[1]))
        # and a turn through every state of the repeat: in (?:a?b?)+ the hard text is 'abab…', not 'aaaa…'
        tour, at = "", state
        for target in sorted(comp - {state})[:8] + [state]:
            step = _path(nfa, at, {target}, at_least_one=True)
            if step is None:
                break
            at, tour = step[0], tour + step[1]
        else:
            if tour and (cycle is None or tour != cycle[1]):
                out.append((text, tour))
    pumps = sorted(_chars_of_pattern(pattern)) or ["a"]
    out += [("", ch) for ch in pumps[:12]]
    return list(dict.fromkeys(out))


def _path(nfa: "_Automaton", start: int, goal: set[int], at_least_one: bool = False) -> tuple[int, str] | None:
    """(the state reached, a shortest text leading from `start` into `goal`), by breadth-first search."""
    if start in goal and not at_least_one:
        return start, ""
    seen = {start: ""}
    frontier = [start]
    while frontier:
        nxt = []
        for a in frontier:
            for b in sorted(nfa.follow[a]):
                text = seen[a] + _sample(nfa.chars[b])
                if b in goal:
                    return b, text
                if b not in seen:
                    seen[b] = text
                    nxt.append(b)
        frontier = nxt
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


def _grows_on(rx: re.Pattern, text, n: int, elapsed: float, budget_s: float) -> bool:
    """Does the growth seen up to n go on to 1.5 n? A super-linear pattern's does, every time;
    a figure that a burst of other work inflated (best of three and all) is not followed by it."""
    n2 = int(n * 1.5)
    later = _best(rx, text(n2))
    if later > budget_s:
        return True
    return math.log(max(later, 1e-9) / max(elapsed, 1e-9)) / math.log(n2 / n) > 1.3


def _best(rx: re.Pattern, text: str, runs: int = 3) -> float:
    return min(_cpu(rx, text) for _ in range(runs))


def _cpu(rx: re.Pattern, text: str) -> float:
    """CPU seconds of this thread for one search: what the pattern costs, not what the machine is doing."""
    t = time.thread_time()
    rx.search(text)
    return time.thread_time() - t


# -- the position automaton and its ambiguity ------------------------------------------------------

_BOUNDED_COPIES = 3  # a{m,n} with n <= UNBOUNDED is unrolled into at most this many copies
_MAX_STATES = 400  # larger automata (long alternations of words) are left to the shape rules and the probe
_MAX_WORK = 300_000  # product states explored per pattern, then give up (never refuse for lack of time)


@dataclass
class _Automaton:
    """Glushkov automaton: state 0 is the start, every other state a character item of the pattern;
    entering state q reads one character of chars[q]."""

    chars: list[frozenset[str]] = field(default_factory=lambda: [frozenset()])
    follow: list[set[int]] = field(default_factory=lambda: [set()])
    classes: dict = field(default_factory=dict)  # character class → its sample characters (memo)
    double: set[tuple[int, int]] = field(default_factory=set)  # moves the pattern allows in two ways
    only: frozenset[str] | None = None  # when set: characters outside it are never read (their items are dead ends)

    def link(self, sources, targets: set[int]) -> None:
        """Add the moves sources → targets; one already there is a second way to make it (in
        `(?:a?b?)+`, 'ab' is one turn of the repeat or two: the same move a → b both times)."""
        for p in sources:
            again = self.follow[p] & targets
            if again:
                self.double.update((p, q) for q in again)
            self.follow[p] |= targets

    def new(self, chars: frozenset[str]) -> int:
        self.chars.append(chars)
        self.follow.append(set())
        return len(self.chars) - 1


class _TooLarge(Exception):
    pass


_UNIVERSE = "".join(sorted({chr(i) for i in range(32, 127)} | set(_SAMPLES) | {"\x00"}))
_CLASS_MEMO: dict[tuple, frozenset[str]] = {}  # (op, class, ignorecase) → its characters in _UNIVERSE


def _alphabet(pattern: str, ignorecase: bool) -> str:
    """The pattern's own characters outside _UNIVERSE (both cases): with it, every character the
    pattern names is a sample, so two items that share a character are seen to share one."""
    chars = {c for c in pattern if c not in _UNIVERSE and c.isprintable()}
    if ignorecase:
        chars |= {c.swapcase() for c in chars if len(c.swapcase()) == 1}
    return "".join(sorted(chars))


def _leaf_chars(item, extra: str, ignorecase: bool) -> frozenset[str]:
    """The sample characters one character item reads: of _UNIVERSE (remembered across patterns) and of `extra`."""
    op, av = item
    if op is C.LITERAL:  # the common case, without a walk over the samples
        c = chr(av)
        return frozenset({c, c.lower(), c.upper()}) if ignorecase else frozenset({c})
    if op is C.NOT_LITERAL:
        test = lambda c: c != chr(av)  # noqa: E731
    elif op is C.ANY:
        test = lambda c: c != "\n"  # noqa: E731
    elif op is C.IN:
        test = lambda c: _in_set(c, av)  # noqa: E731
    else:  # an item this analysis does not model: any character
        return frozenset(_UNIVERSE + extra)
    if ignorecase:
        match = lambda c: test(c) or test(c.lower()) or test(c.upper())  # noqa: E731
    else:
        match = test
    key = (op, repr(av), ignorecase)
    base = _CLASS_MEMO.get(key)
    if base is None:
        if len(_CLASS_MEMO) > 4096:
            _CLASS_MEMO.clear()
        base = _CLASS_MEMO[key] = frozenset(c for c in _UNIVERSE if match(c))
    return base | frozenset(c for c in extra if match(c)) if extra else base


def _build(items, nfa: _Automaton, alphabet: str, ignorecase: bool) -> tuple[set[int], set[int], bool]:
    """(first states, last states, can match empty) of a sequence, adding its states to `nfa`."""
    return _chain((_build_item(item, nfa, alphabet, ignorecase) for item in items), nfa)


def _chain(parts, nfa: _Automaton) -> tuple[set[int], set[int], bool]:
    """Link built parts (first, last, can match empty) in sequence, in order as they are built."""
    first: set[int] = set()
    last: set[int] = set()
    nullable = True
    for f, l, n in parts:
        nfa.link(last, f)
        if nullable:
            first |= f
        last = (last | l) if n else set(l)
        nullable = nullable and n
    return first, last, nullable


def _build_item(item, nfa: _Automaton, alphabet: str, ignorecase: bool) -> tuple[set[int], set[int], bool]:
    op, av = item
    if len(nfa.chars) > _MAX_STATES:
        raise _TooLarge
    if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
        key = (op, repr(av))
        chars = nfa.classes.get(key)
        if chars is None:
            chars = _leaf_chars(item, alphabet, ignorecase)
            chars = nfa.classes[key] = chars if nfa.only is None else chars & nfa.only
        if not chars:
            return set(), set(), False  # no text of interest passes here
        q = nfa.new(chars)
        return {q}, {q}, False
    if op is C.SUBPATTERN:
        return _build(av[-1], nfa, alphabet, ignorecase)
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _build(av, nfa, alphabet, ignorecase)  # as if it could backtrack: stricter, never laxer
    if op is C.BRANCH:
        first, last, nullable = set(), set(), False
        for branch in av[1]:
            f, l, n = _build(branch, nfa, alphabet, ignorecase)
            first |= f
            last |= l
            nullable = nullable or n
        return first, last, nullable
    if op is C.GROUPREF_EXISTS:
        first, last, nullable = set(), set(), False
        for branch in (av[1], av[2]):
            f, l, n = _build(branch or [], nfa, alphabet, ignorecase)
            first, last, nullable = first | f, last | l, nullable or n
        return first, last, nullable
    if op in _REPEATS or op is _POSSESSIVE:
        lo, hi, body = av
        if hi == C.MAXREPEAT or hi > UNBOUNDED:  # body+ (or body*): one copy that loops
            f, l, n = _build(body, nfa, alphabet, ignorecase)
            nfa.link(l, f)
            return f, l, n or lo == 0
        copies = min(hi, _BOUNDED_COPIES)
        seq = [(C.SUBPATTERN, (None, 0, 0, body))] * copies
        built = (_build_item(part, nfa, alphabet, ignorecase) for part in seq)
        return _chain(((f, l, n or k >= lo) for k, (f, l, n) in enumerate(built)), nfa)  # copies past lo are optional
    if op in (C.ASSERT, C.ASSERT_NOT):  # zero width here; their bodies are checked on their own
        return set(), set(), True
    # AT (anchors, \b), GROUPREF (a back-reference: its text is fixed by then), FAILURE: no character read
    return set(), set(), True


def _sccs(nodes, edges) -> list[list]:
    """Strongly connected components (iterative Tarjan), each a list of nodes."""
    index: dict = {}
    low: dict = {}
    on: set = set()
    stack: list = []
    out: list[list] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(edges(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(edges(nxt))))
                    advanced = True
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
    return out


def _sample(chars: frozenset[str]) -> str:
    """A readable character of a set, for messages."""
    for c in "a1 x,.-_@":
        if c in chars:
            return c
    return min(chars, key=lambda c: (not c.islower(), c))  # 'order', not 'ORDER', under IGNORECASE


def _children(op, av) -> list:
    """The item lists nested directly in one parse-tree item (repeats, groups, branches,
    conditionals; not look-arounds, which `_collect_looks` treats on their own)."""
    if op in _REPEATS or op is _POSSESSIVE:
        return [av[2]]
    if op is C.SUBPATTERN:
        return [av[-1]]
    if op is getattr(C, "ATOMIC_GROUP", None):
        return [av]
    if op is C.BRANCH:
        return list(av[1])
    if op is C.GROUPREF_EXISTS:
        return [av[1] or [], av[2] or []]
    return []


def _unbounded_bodies(items, out: list) -> list:
    for op, av in items:
        if (op in _REPEATS or op is _POSSESSIVE) and (av[1] == C.MAXREPEAT or av[1] > UNBOUNDED):
            out.append(list(av[2]))
        for child in _children(op, av):
            _unbounded_bodies(child, out)
    return out


def ambiguity(tree, alphabet: str, ignorecase: bool) -> list[str]:
    """EDA or IDA in the pattern's automaton (see the module docstring), as a reason to refuse it.

    Most patterns loop only on single characters (`[ \\t]+` between words). Such loops cannot give
    EDA (one state, one way round), and IDA needs text that both loops read: so the automaton is then
    built over only the characters two of those loops share, which leaves a handful of states instead
    of one per letter of every alternative (this check runs on every load of a glossary or a pack).
    """
    looks: list = []
    _collect_looks(list(tree), looks)
    found = _ambiguity(tree, alphabet, ignorecase)
    for look in looks:
        if found:
            break
        found = _ambiguity(look, alphabet, ignorecase)
    return found


def _collect_looks(items, out: list) -> None:
    for op, av in items:
        if op in (C.ASSERT, C.ASSERT_NOT):
            out.append(list(av[1]))
            _collect_looks(av[1], out)
        for child in _children(op, av):
            _collect_looks(child, out)


def _ambiguity(tree, alphabet: str, ignorecase: bool) -> list[str]:
    bodies = _unbounded_bodies(list(tree), [])
    if not bodies:
        return []  # nothing loops: the time is bounded by the pattern's length
    only = None
    if all(len(b) == 1 and b[0][0] in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN) for b in bodies):
        sets = [_leaf_chars(b[0], alphabet, ignorecase) for b in bodies]
        shared = frozenset().union(*(a & b for i, a in enumerate(sets) for b in sets[i + 1:]))
        if not shared:
            return []  # single-character loops over different characters: no text is read by two
        only = shared
    nfa = _Automaton(only=only)
    try:
        first, _, _ = _build(list(tree), nfa, alphabet, ignorecase)
    except _TooLarge:
        return []
    nfa.follow[0] = set(first)
    looping, where = _loops(nfa)
    found = (_eda(nfa, looping) if only is None else None) or (_ida(nfa, looping, where) if looping else None)
    return [found] if found else []


def _loops(nfa: _Automaton) -> tuple[list[set[int]], dict[int, int]]:
    """The automaton's looping components (states that can come back to themselves), and each state's."""
    states = range(len(nfa.chars))
    comps = [set(c) for c in _sccs(states, lambda q: nfa.follow[q])]
    looping = [c for c in comps if len(c) > 1 or any(q in nfa.follow[q] for q in c)]
    where = {q: i for i, c in enumerate(looping) for q in c}
    return looping, where


_EDA_MESSAGE = (
    "can backtrack exponentially: inside a repeat, the same text (e.g. {text}…) can be matched in "
    "two different ways, and a failing match tries them all; make the repeated parts unable to "
    "match the same text (e.g. (?:a|aa)+ is a+, (?:a?b?)+ is [ab]+)"
)


def _eda(nfa: _Automaton, looping: list[set[int]]) -> str | None:
    """A state with two different loops reading the same text: the product automaton of a looping
    component with itself has a component holding a pair (p, p) and a pair (p, q), p != q."""
    work = 0
    for comp in looping:
        if len(comp) < 2 and not any(p in comp for p, _ in nfa.double):
            continue  # one state looping on itself has one way round: (p, p) is the product's only pair
        def edges(pair, comp=comp):
            a, b = pair
            for x in nfa.follow[a] & comp:
                cx = nfa.chars[x]
                for y in nfa.follow[b] & comp:
                    if not cx.isdisjoint(nfa.chars[y]):
                        yield (x, y)

        doubled = next(((p, q) for p, q in nfa.double if p in comp and q in comp), None)
        if doubled is not None:
            return _EDA_MESSAGE.format(text=repr(_sample(nfa.chars[doubled[1]])))
        pairs = [(p, p) for p in comp]
        work += len(comp) ** 2
        if work > _MAX_WORK:
            return None
        for scc in _sccs(pairs, edges):
            if len(scc) > 1 and any(a == b for a, b in scc) and any(a != b for a, b in scc):
                a, b = next((a, b) for a, b in scc if a != b)
                return _EDA_MESSAGE.format(text=repr(_sample(nfa.chars[a] & nfa.chars[b])))
    return None


def _ida(nfa: _Automaton, looping: list[set[int]], where: dict[int, int]) -> str | None:
    """Two different looping states p and q, q reachable from p, and one text w that loops at p,
    leads from p to q and loops at q: then w repeated n times can be split n² (or more) ways."""
    loop_states = sorted(where)
    back: list[set[int]] = [set() for _ in nfa.chars]
    for a, targets in enumerate(nfa.follow):
        for b in targets:
            back[b].add(a)

    def closure(p: int, step) -> set[int]:
        seen, todo = {p}, [p]
        while todo:
            for x in step[todo.pop()]:
                if x not in seen:
                    seen.add(x)
                    todo.append(x)
        return seen

    # every state of a component reaches (and is reached from) the same states
    comp_reach = [closure(next(iter(c)), nfa.follow) for c in looping]
    comp_coreach = [closure(next(iter(c)), back) for c in looping]
    comp_chars = [frozenset().union(*(nfa.chars[x] for x in c)) for c in looping]
    reach = {p: comp_reach[where[p]] for p in loop_states}
    coreach = {q: comp_coreach[where[q]] for q in loop_states}
    work = 0
    for p in loop_states:
        cp = looping[where[p]]
        for q in loop_states:
            if q == p or q not in reach[p] or comp_chars[where[p]].isdisjoint(comp_chars[where[q]]):
                continue
            cq = looping[where[q]]
            between = reach[p] & coreach[q]
            # search the triple product from (p, p, q) for (p, q, q)
            start, goal = (p, p, q), (p, q, q)
            seen = {start}
            todo = [start]
            while todo:
                a, b, c = todo.pop()
                for x in nfa.follow[a] & cp:
                    cx = nfa.chars[x]
                    for y in nfa.follow[b] & between:
                        cxy = cx & nfa.chars[y]
                        if not cxy:
                            continue
                        for z in nfa.follow[c] & cq:
                            if cxy.isdisjoint(nfa.chars[z]):
                                continue
                            node = (x, y, z)
                            if node == goal:
                                text = _sample(cxy & nfa.chars[z])
                                return (
                                    f"can backtrack polynomially: two repeats in a row can both take the same "
                                    f"text (e.g. a run of {text!r}) and what lies between them can be skipped, "
                                    "so a long near-miss is split every possible way; merge the repeats or "
                                    "make the part between them required"
                                )
                            if node not in seen:
                                work += 1
                                if work > _MAX_WORK:
                                    return None
                                seen.add(node)
                                todo.append(node)
    return None
