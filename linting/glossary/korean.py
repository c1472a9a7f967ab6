"""Korean morphology the matcher needs: what may follow a term inside one word.

Korean glues particles and endings to nouns (배송지연으로, 물류센터에서,
반품했습니다), so a term matches at the start of a Hangul run when the rest of
the run is a chain of known particles/endings, and never inside a longer
word (배송 in 오배송, 배송지연 in 배송지연율). The lists live in data
(`glossaries/ko-particles.toml`); this module only applies them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .scripts import is_hangul

_MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class Allomorph:
    """A particle with two shapes chosen by the preceding syllable (을/를, 으로/로 …)."""

    after_consonant: str
    after_vowel: str
    rieul_takes_vowel_form: bool = False  # 으로/로: a final ㄹ behaves like a vowel


@dataclass
class KoreanMorphology:
    endings: frozenset[str] = frozenset()
    max_chain: int = 3
    allomorphs: tuple[Allomorph, ...] = ()
    sources: tuple[str, ...] = ()  # files the lists came from
    _max_len: int = 0
    _shapes: tuple = field(default=(), repr=False, compare=False)
    _memo: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._max_len = max((len(e) for e in self.endings), default=0)
        shapes = [(s, a) for a in self.allomorphs for s in (a.after_consonant, a.after_vowel)]
        # Longest shape first, so that 이나 is not read as 이 + 나.
        self._shapes = tuple(sorted(shapes, key=lambda sa: -len(sa[0])))

    def is_ending(self, rest: str) -> bool:
        """True when `rest` (the Hangul after a term, in the same run) is empty or a particle chain."""
        if not rest:
            return True
        if len(rest) > self.max_chain * self._max_len:
            return False  # too long to be a chain of endings (and not worth remembering)
        memo = self._memo
        found = memo.get(rest)
        if found is None:
            found = self._chain(rest, self.max_chain)
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            memo[rest] = found
        return found

    def _chain(self, rest: str, left: int) -> bool:
        if not rest:
            return True
        if left == 0:
            return False
        endings = self.endings
        for n in range(min(len(rest), self._max_len), 0, -1):
            if rest[:n] in endings and self._chain(rest[n:], left - 1):
                return True
        return False

    def agree(self, replacement: str, rest: str) -> tuple[int, str] | None:
        """Fix particle agreement after replacing a term with `replacement`.

        `rest` is the Hangul that follows the replaced term in its run. Returns
        (how many characters of `rest` to replace, their new text) when the
        leading particle must change shape (물류센터을 → 물류센터를), else None.
        """
        if not rest or not replacement or not is_hangul(replacement[-1]):
            return None
        final = (ord(replacement[-1]) - 0xAC00) % 28
        for current, a in self._shapes:
            if rest.startswith(current) and self.is_ending(rest[len(current):]):
                vowel_like = final == 0 or (final == 8 and a.rieul_takes_vowel_form)
                wanted = a.after_vowel if vowel_like else a.after_consonant
                return (len(current), wanted) if wanted != current else None
        return None

    def merged(self, other: "KoreanMorphology") -> "KoreanMorphology":
        return KoreanMorphology(
            endings=self.endings | other.endings,
            max_chain=max(self.max_chain, other.max_chain),
            allomorphs=self.allomorphs + tuple(a for a in other.allomorphs if a not in self.allomorphs),
            sources=self.sources + other.sources,
        )
