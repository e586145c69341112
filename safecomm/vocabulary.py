"""The rule set's controlled vocabulary: named terms, each with the words that say it.

Rules name terms, never words; the words are data a province can extend. Chinese has no
spaces, so a term is found wherever one of its words occurs in a title or topic, including
inside a longer word (消防救援大队 says 消防). Where that would be wrong, the term names the
longer words it must not be read inside: 定期检查 is `not_in: [不定期]`, so 不定期检查 is
never a 定期检查.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Term(BaseModel):
    """A term written as a mapping: its words, and the longer words it is not to be found inside."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    words: list[str] = Field([], description="说法相同的词（词条名本身总是其中之一）")
    not_in: list[str] = Field([], description="在这些较长的词里出现时不算，如 定期 在 不定期 里")


def _trie(words) -> str:
    """A regex matching the longest of `words` at a place: `消防(?:救援(?:大队)?)?|火灾`."""
    tree: dict = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(letter) + pattern(child) for letter, child in sorted(node.items()) if letter]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body  # longer first: a word may end here or go on

    return pattern(tree)


class Vocabulary:
    """Term name → its words (the name itself is always one of them)."""

    def __init__(self, terms: dict[str, list[str] | Term]):
        owners: dict[str, set[str]] = {}
        self._hides: dict[str, set[str]] = {}  # a longer word → the terms it hides inside it
        self.terms: dict[str, list[str]] = {}
        for name, spec in terms.items():
            words, not_in = (spec, []) if isinstance(spec, list) else (spec.words, spec.not_in)
            self.terms[name] = sorted({name, *words}, key=lambda w: (-len(w), w))
            for word in self.terms[name]:
                owners.setdefault(word, set()).add(name)
            for longer in not_in:
                self._hides.setdefault(longer, set()).add(name)
                owners.setdefault(longer, set())
        self._owners = owners
        # A lookahead finds the longest word starting at every place, overlapping ones included; the
        # words are laid out as a trie, so each place costs one branch per letter, not one try per word.
        self._pattern = re.compile(f"(?=({_trie(owners)}))") if owners else None
        self.find = lru_cache(maxsize=8192)(self._find)
        self._inside = lru_cache(maxsize=None)(self._terms_inside)

    def __contains__(self, name: str) -> bool:
        return name in self.terms

    def words(self, name: str) -> list[str]:
        return self.terms.get(name, [name])

    def _find(self, text: str) -> dict[str, str]:
        """Term → the word of it found in `text` (do not modify: the result is shared)."""
        found: dict[str, str] = {}
        if self._pattern is None or not text:
            return found
        spans = [(m.start(), m.start() + len(m.group(1))) for m in self._pattern.finditer(text)]
        # Where the longer words of not_in stand, with the terms each hides: 不定期 hides 定期检查.
        hiding = [(m.start(), m.start() + len(w), self._hides[w])
                  for w in self._hides if w in text for m in re.finditer(f"(?={re.escape(w)})", text)]
        for start, end in spans:
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
                continue  # inside a longer word, whose reading below already covers it
            for i, j, term, word in self._inside(text[start:end]):
                a, b = start + i, start + j
                if term in found or any(term in terms and hs < b and a < he and not (a <= hs and he <= b)
                                        for hs, he, terms in hiding):
                    continue  # a word that shares its letters with a longer word that hides it
                found[term] = word
        return found

    def _terms_inside(self, word: str) -> list[tuple[int, int, str, str]]:
        """(start, end, term, word) for every term said by `word` or by a word inside it (from the left, longest first)."""
        inner = [(i, j, word[i:j]) for i in range(len(word)) for j in range(len(word), i, -1) if word[i:j] in self._owners]
        return [(i, j, term, w) for i, j, w in inner for term in sorted(self._owners[w])]
