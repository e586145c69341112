"""The rule set's controlled vocabulary: named terms, each a set of concepts said in many words.

Rules name terms, never words; the words are data a province can extend. Chinese has no
spaces, so a word is found wherever it occurs in a title or topic, including inside a longer
word (消防救援大队 says 消防). Where that would be wrong, the term names the longer words it
must not be read inside: 定期检查 is `not_in: [不定期]`, so 不定期检查 is never a 定期检查.

A term may also be a set of concepts that must all appear, in any order and across any
separators: 伤害分析 = {事故 | 伤害} + {分析 | 监测 | 统计}, so 事故与伤害监测、报告和记录管理制度
says it as well as 伤害分析报告 does. A concept is another term of the vocabulary or a list of
words written in place. A term may also stand for a family of terms (`any`, with `none`): 专管领域 is said
whenever one of the twelve domains is and no management topic is, so 居民防火公约 is a domain's own
rule and 消防安全检查制度 an inspection rule, without the domains' words kept twice. Offices write the same thing many ways; a phrase list meets one
that says it otherwise, the concepts do not. Variant and traditional forms (台帐, 檢查) are
read as their standard form on both sides before any word is looked for.
"""

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

HIDDEN = "·"  # a concept written in place is a term of its own, named `伤害分析·2`, never shown
BLANKS = re.compile(r"\s+")
# Full-width letters, digits and signs read as their half-width forms (２０２４年 is 2024年, ＡＥＤ is AED,
# （试行） is (试行)): offices type both, often in one title.
WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


class Term(BaseModel):
    """A term written as a mapping: its words, the longer words it is not to be found inside, and
    the concepts that say it when all of them appear."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    words: list[str] = Field([], description="说法相同的词（词条名本身总是其中之一）")
    not_in: list[str] = Field([], description="在这些较长的词里出现时不算，如 定期 在 不定期 里")
    concepts: list[str | list[str]] = Field(
        [], description="须同时出现的概念（任意顺序、任意分隔）：其他词条名，或一组说法相同的词，如 [事故伤害, [分析, 统计]]",
    )
    none: list[str | list[str]] = Field(
        [], description="按概念读时不能出现的概念：如综合检查的标题不能只说一个领域（消防安全大检查是专项检查）",
    )
    any: list[str] = Field([], description="说出其中任一个词条即是（一族词条的总称），且 none 所列都不出现：如 专管领域 是十二个安全领域中的任一个")


def _trie(words) -> dict:
    """The words as nested dicts, one level per letter; `""` marks where a word ends."""
    tree: dict = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = None
    return tree


def _longest(tree: dict, text: str) -> list[tuple[int, int]]:
    """(start, end) of the longest word of `tree` that starts at each place of `text`, overlapping ones
    included: one dict step per letter. A regex of the same trie took 13 ms to compile in every run and
    found the words of a title four times slower."""
    spans = []
    n = len(text)
    for i in range(n):
        node = tree.get(text[i])
        if node is None:
            continue
        end = i + 1 if "" in node else 0
        j = i + 1
        while j < n:
            node = node.get(text[j])
            if node is None:
                break
            j += 1
            if "" in node:
                end = j
        if end:
            spans.append((i, end))
    return spans


def concept_order(terms: dict[str, list[str] | Term]) -> tuple[list[str], list[str]]:
    """The terms with concepts in an order where every concept comes before the term that needs it,
    and the problems (a concept that names no term, a term that needs itself)."""
    needs = {name: [c for c in (*spec.concepts, *spec.none, *spec.any) if isinstance(c, str)]
             for name, spec in terms.items() if isinstance(spec, Term) and (spec.concepts or spec.any)}
    problems, order, state = [], [], {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            problems.append(f"词条 {name} 的概念循环引用：{' → '.join(path + (name,))}")
            return
        state[name] = "open"
        for concept in needs.get(name, []):
            if concept not in terms:
                problems.append(f"词条 {name} 的概念 {concept} 不在 vocabulary 中：概念写其他词条名，或写成一组词 [词1, 词2]；any 只写词条名")
            elif concept in needs:
                visit(concept, path + (name,))
        state[name] = "done"
        order.append(name)

    for name in needs:
        visit(name, ())
    return order, problems


class Vocabulary:
    """Term name → its words (the name itself is always one of them), and the concepts of the terms
    that have them."""

    def __init__(self, terms: dict[str, list[str] | Term], variants: dict[str, str] | None = None):
        owners: dict[str, set[str]] = {}
        self._hides: dict[str, set[str]] = {}  # a longer word → the terms it hides inside it
        self.terms: dict[str, list[str]] = {}
        self.concepts: dict[str, list[tuple[str, list[str]]]] = {}  # term → (concept key, its words) each
        self.excluded: dict[str, list[tuple[str, list[str]]]] = {}  # term → the concepts that must not appear
        self.family: dict[str, list[str]] = {}  # term → the terms any of which says it
        variants = variants or {}
        self._variants = variants
        self._letters = str.maketrans({k: v for k, v in variants.items() if len(k) == 1 and len(v) == 1})
        self._phrases = sorted(((k, v) for k, v in variants.items() if len(k) > 1 or len(v) != 1), key=lambda kv: -len(kv[0]))
        plain = self.normal

        def own(name: str, words, not_in=(), named=True) -> None:
            said = {plain(w) for w in words} | ({plain(name)} if named else set())
            self.terms[name] = sorted(said, key=lambda w: (-len(w), w))
            for word in self.terms[name]:
                owners.setdefault(word, set()).add(name)
            for longer in not_in:
                self._hides.setdefault(plain(longer), set()).add(name)
                owners.setdefault(plain(longer), set())

        for name, spec in terms.items():
            if isinstance(spec, list):
                own(name, spec)
                continue
            own(name, spec.words, spec.not_in)
            if spec.any:
                self.family[name] = list(spec.any)
            if spec.concepts or spec.any:
                keys = []
                for i, concept in enumerate((*spec.concepts, *spec.none), 1):
                    if isinstance(concept, str):
                        keys.append(concept)
                    else:
                        keys.append(f"{name}{HIDDEN}{i}")
                        own(keys[-1], concept, named=False)  # a concept written in place has no name of its own
                if spec.concepts:
                    self.concepts[name] = keys[:len(spec.concepts)]
                self.excluded[name] = keys[len(spec.concepts):]
        order, _ = concept_order(terms)
        self._composed = [(name, self.concepts.get(name, []), self.excluded.get(name, []), self.family.get(name, []))
                          for name in order]
        # the words of each concept, for whoever reads the rule set (named concepts may come later in the file)
        self.concepts = {n: [(k, self.terms.get(k, [])) for k in keys] for n, keys in self.concepts.items()}
        self.excluded = {n: [(k, self.terms.get(k, [])) for k in keys] for n, keys in self.excluded.items()}
        self._owners = {w: o for w, o in owners.items() if o or w in self._hides}
        self._tree = _trie(self._owners)  # the longest word at every place, one dict step per letter
        self.find = lru_cache(maxsize=8192)(self._find)
        self._raw = lru_cache(maxsize=8192)(self._scan)
        self._all = lru_cache(maxsize=8192)(self._find_all)
        self._inside = lru_cache(maxsize=None)(self._terms_inside)

    def __contains__(self, name: str) -> bool:
        return name in self.terms and HIDDEN not in name

    def words(self, name: str) -> list[str]:
        return self.terms.get(name, [name])

    def area(self, terms) -> frozenset[str]:
        """The terms and every concept they are made of: what a record in their area may name."""
        out, todo = set(), list(terms)
        while todo:
            term = todo.pop()
            if term not in out:
                out.add(term)
                todo += [k for k, _ in self.concepts.get(term, ())] + self.family.get(term, [])
        return frozenset(out)

    def normal(self, text: str) -> str:
        """The text with variant forms read as standard (台帐 → 台账, 檢 → 检) and blanks removed."""
        text = BLANKS.sub("", text).translate(WIDTH)
        for variant, standard in self._phrases:
            if variant in text:
                text = text.replace(variant, standard)
        return text.translate(self._letters)

    def compose(self, found: dict[str, str]) -> dict[str, str]:
        """Add every term all of whose concepts are in `found` (said as `伤害…分析`), and every term one of
        whose family is; drop the concepts written in place. Modifies and returns `found`."""
        for name, keys, nones, family in self._composed:  # read for every title: no generator for a miss
            if name in found:
                continue
            for member in family:
                if member in found:
                    if not any(k in found for k in nones):
                        found[name] = found[member]
                    break
            else:
                if keys and keys[0] in found and all(k in found for k in keys) and not any(k in found for k in nones):
                    found[name] = "…".join(dict.fromkeys(found[k] for k in keys))
        if self._composed:
            for key in [k for k in found if HIDDEN in k]:
                del found[key]
        return found

    def find_all(self, texts) -> dict[str, str]:
        """Term → word over several texts (first text first); a term's concepts may come from different texts
        (do not modify: the result is shared, as `find`'s is; a member's unit and title are read by several checks)."""
        return self._all(tuple(texts))

    def _find_all(self, texts: tuple) -> dict[str, str]:
        found: dict[str, str] = {}
        for text in texts:
            if text:
                for term, word in self._raw(text).items():
                    found.setdefault(term, word)
        return self.compose(found)

    def _find(self, text: str) -> dict[str, str]:
        """Term → the word of it found in `text` (do not modify: the result is shared)."""
        return self.compose(dict(self._raw(text))) if self._composed else self._raw(text)

    def _scan(self, text: str) -> dict[str, str]:
        """Term and concept → the word found, before concepts are put together."""
        found: dict[str, str] = {}
        if not self._tree or not text:
            return found
        text = self.normal(text)
        spans = _longest(self._tree, text)
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


# -- a title's wrappers: the forms offices file a record in, read apart from what it names ---------------

# A list number before a title (一、 1. （三） ①): where it stood on the office's list, nothing of the record.
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.](?=\D|\d{4})|\(?[一二三四五六七八九十\d]{1,3}\)|[①-⑳])")
QUOTES = re.compile(r"[《》〈〉“”‘’\"'「」『』【】]")
# The notice that issues or forwards a paper (城东街道办事处关于印发《T》的通知, 关于转发T的通知): the record is
# T, and T's own words say whose paper it is. A notice about anything else (关于开展消防安全检查的通知, 关于加强…的
# 实施意见) is the issuer's own paper about that work: its wrapper is part of what it is and stays.
ISSUING = re.compile(r"^(?P<by>.*?)关于(?:印发|转发|下发|颁发|颁布|公布|发布|修订|重新印发)(?P<paper>.+?)的(?:通知|决定|函|批复)$")
# Chinese numerals of a year written out (二〇二四年), read as digits.
NUMERALS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
SPELLED_YEAR = re.compile(r"[一二][〇○零一二三四五六七八九]{3}(?=年)")
# A year the title names as its period (2024年度…, 2025—2027年…); not an edition (（2024年版）, 2021年修订),
# which says when the paper was last revised, not the years it is for; not a 文号 (〔2024〕12号).
YEARS = re.compile(r"((?:19|20)\d{2})(?:年度?)?(?:[—–\-－~～至到]+((?:19|20)\d{2}))?年(?!版|修订|修正|第?\d+号)")


def plain_title(title: str) -> str:
    """The title without blanks, in half-width, its written-out years as digits: how its shape is read."""
    text = BLANKS.sub("", title).translate(WIDTH)
    return SPELLED_YEAR.sub(lambda m: m.group().translate(NUMERALS), text) if "年" in text else text


def unwrap(title: str) -> tuple[str, str]:
    """(who issued it, the paper itself): a list number, quotes and book-title marks read off, and an issuing
    notice read through to the paper it issues (the issuer is `""` when the title names none)."""
    text = QUOTES.sub("", NUMBERED.sub("", plain_title(title)))
    issued = ISSUING.match(text)
    return (issued["by"], issued["paper"]) if issued else ("", text)


def title_years(title: str) -> frozenset[int]:
    """The years a title names: `2024年…` → {2024}, `2025—2027年…` → {2025, 2026, 2027}, `二〇二四年度…` and
    `２０２４年…` as `2024年…`."""
    years: set[int] = set()
    for first, last in YEARS.findall(plain_title(title)):
        a, b = int(first), int(last or first)
        if a <= b <= a + 20:
            years.update(range(a, b + 1))
        else:
            years.add(a)
    return frozenset(years)
