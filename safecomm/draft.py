"""Drafting a 台账 from a year's work summary: proposed rows for the clerk to confirm.

Offices have their year in writing already (the 工作总结, a 安全生产月 summary, a notice). This
reads such a text sentence by sentence and proposes what a careful reader would enter: dated
events (开展/组织/召开 … 宣传/培训/演练/检查/会议, the date as written, totals as 次数 over the year),
named documents (《…》, quoted 方案/预案, 文号, 关于… issued), organisations and their members,
rectification totals (下达整改指令书63份、复查61份), the basic facts the text states, and the plan
for the next period (明年工作计划/下一步打算). Every row keeps the sentence it came from and a
confidence (高/中/低). Rule-based and deterministic: the kinds are the rule set's vocabulary
terms named after the evidence model's kinds, so a province's words read here as in grading.

What it does not do: guess. A sentence without a date it can place in the year (春节期间, no
number of times) gives no event; requirements (各单位要……) and the plan section give no events.
"""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .evidence import Evidence
from .loading import InputError, Problem, printable, read_input
from .scheme import Scheme
from .terms import ActivityKind, CommunityKind, DocumentKind, OrganizationKind

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a year's summary is tens of kilobytes; a book is not a summary
MAX_DOCX_BYTES = 20 * 1024 * 1024  # a .docx may carry photos
MAX_DOCX_XML = 20 * 1024 * 1024  # the uncompressed text part of a .docx (a zip bomb stops here)
MAX_SOURCE = 400  # characters of a source sentence kept in the 来源 column
MAX_SENTENCE = 500  # a longer "sentence" (a page with no full stop) is read in pieces: the work stays linear
MAX_ROWS = 2000  # proposals at most: a year's summary gives dozens; more is not a summary
SUFFIXES = (".docx", ".txt", ".md")

HIGH, MEDIUM, LOW = "高", "中", "低"
PLACEHOLDER_NAME = "（请填写单位名称）"  # the model needs a name; the text did not say it


@dataclass
class Row:
    """One proposed record: where it goes, the plain record, the sentence it came from, how sure."""

    collection: str  # organizations, documents, activities, rectifications
    record: dict
    source: str
    confidence: str
    members: list[tuple[dict, str, str]] = field(default_factory=list)  # (member, source, confidence)
    paragraph: int = -1  # where in the text (an event takes the participants told after it)


@dataclass
class Draft:
    year: int
    year_source: str
    rows: list[Row]
    facts: dict[tuple[str, ...], tuple[object, str, str]]  # form path → (value, source, confidence)
    truncated: bool = False  # MAX_ROWS reached: the rest of the text was not read

    def data(self) -> dict:
        """The bundle as plain data (what `ledger.write.ledger_bytes` takes)."""
        community: dict = {"period": {"start": f"{self.year}-01-01", "end": f"{self.year}-12-31"}}
        for path, (value, _, _) in self.facts.items():
            target = community
            for key in path[1:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = value
        data: dict = {"community": community}
        for row in self.rows:
            record = dict(row.record)
            if row.members:
                record["members"] = [m for m, _, _ in row.members]
            data.setdefault(row.collection, []).append(record)
        return data

    def remarks(self) -> dict[tuple, tuple[str, str]]:
        """(source, confidence) by the location of each proposed record or form row."""
        found: dict[tuple, tuple[str, str]] = {path: (source, conf) for path, (_, source, conf) in self.facts.items()}
        found[("community", "period", "start")] = found[("community", "period", "end")] = (self.year_source, HIGH)
        index: dict[str, int] = {}
        for row in self.rows:
            i = index.get(row.collection, 0)
            index[row.collection] = i + 1
            found[(row.collection, i)] = (row.source, row.confidence)
            for j, (_, source, conf) in enumerate(row.members):
                found[(row.collection, i, "members", j)] = (source, conf)
        return found

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.collection] = out.get(row.collection, 0) + 1
        return out


# -- reading the summary ---------------------------------------------------------------------

def read_summary(path: str | Path, label: str | None = None) -> str:
    """The text of a summary (.docx, .txt or .md); InputError in Chinese when it cannot be one."""
    path = Path(path)
    label = label or printable(str(path))
    suffix = path.suffix.lower()

    def fail(message: str) -> InputError:
        return InputError([Problem(label, 0, 0, "", message)])

    if suffix == ".doc" or suffix == ".wps":
        raise fail("是旧版 Word/WPS 文件，无法读取：请在 Word 或 WPS 中“另存为”.docx，或复制全文存为 .txt")
    if suffix not in SUFFIXES:
        raise fail(f"只能读取工作总结的 .docx、.txt 或 .md 文件（现为 {suffix or '无扩展名'}）")
    raw = read_input(path, label, limit=MAX_DOCX_BYTES if suffix == ".docx" else MAX_TEXT_BYTES, what="工作总结文件")
    text = _docx_text(raw, fail) if suffix == ".docx" else _plain_text(raw, fail)
    if suffix == ".md":
        text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}\s*|[-*+]\s+|>\s*)", "", text).replace("**", "")
    if not text.strip():
        raise fail("文件中没有文字：请给出写有工作总结正文的文件")
    return text


def _plain_text(raw: bytes, fail) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode": UTF-16 with its byte-order mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise fail("文件以 UTF-16 的标记开头，内容却不是 UTF-16 文字：请在记事本中“另存为”UTF-8 编码") from None
    if b"\x00" in raw[:8192]:
        raise fail("不是文本文件（含有二进制内容）：请给出 .txt 文本，或 Word 的 .docx 文件")
    for encoding in ("utf-8-sig", "gb18030"):  # offices save .txt as UTF-8 or as GBK/GB18030
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise fail("无法识别文字编码（不是 UTF-8，也不是 GB18030/GBK）：请在记事本中“另存为”UTF-8 编码")


def _docx_text(raw: bytes, fail) -> str:
    """Paragraphs and table cells of a .docx in document order, after checking the zip's sizes."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML:
                raise fail(f"Word 文件的正文过大（{info.file_size} 字节），上限为 {MAX_DOCX_XML} 字节")
    except KeyError:
        raise fail("不是 Word 文档（.docx 中没有正文 word/document.xml）：请在 Word/WPS 中重新另存为 .docx") from None
    except (zipfile.BadZipFile, OSError, EOFError):
        raise fail("无法打开 Word 文件：文件已损坏，或不是 .docx：请在 Word/WPS 中重新另存为 .docx") from None
    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = open_docx(io.BytesIO(raw))
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception:  # python-docx raises many kinds (KeyError, ValueError, lxml's) for a broken package
        raise fail("无法读取 Word 文件的内容：文件已损坏：请在 Word/WPS 中重新另存为 .docx") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for table_row in Table(child, document).rows:
                lines.append("，".join(dict.fromkeys(c.text.strip() for c in table_row.cells if c.text.strip())))
    return "\n".join(lines)


# -- words -----------------------------------------------------------------------------------

_NUM = r"(\d+|[一二两三四五六七八九十]{1,3})"
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# An activity is something done: one of these verbs, a total (共…), or a recurrence.
_VERB = re.compile(r"组织开展了?|开展了?|组织了?|召开了?|举办了?|举行了?|进行了?|完成了?|坚持了?")
_TOTAL = re.compile(r"共计|共|累计|合计")
_COUNT = re.compile(rf"(?<![第\d]){_NUM}\s*(?:余|多)?\s*(场次|次|场|期|轮)(?![长数])")
_UNITS = re.compile(rf"{_NUM}\s*(?:余|多)?\s*家")  # 检查…家: only beside an inspection word
_PARTICIPANTS = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?\s*(?:余|多)?\s*(?:名|人)(?!次)")
_EVERY = re.compile(rf"每(?:个)?(月|季度|季|周|半年)(?:{_NUM}次|一次)?|(?<![一二三四第前后本上下每])季度(?![末初])")
_PER_YEAR = {"月": 12, "季度": 4, "季": 4, "周": 52, "半年": 2}
_IMPERATIVE = re.compile(r"(?<![主重需纲必概只])要(?![求点素闻害])|应当|必须|务必|拟|力争|将于|不少于|不低于|至少")
_ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|\d{1,2}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])\s*[、，,]?")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(.{1,30})$")
_PLAN = re.compile(r"明年|来年|下一年|下年度|下一步|下步|今后工作|(\d{4})年工作(?:计划|打算|思路|安排|要点)")
_NEXT_YEAR = re.compile(r"明年|来年|下一年|下年度")

# Occasions with a calendar date: the day (or month) an activity "on" them took place.
_OCCASIONS = (
    (re.compile(r"[“\"]?(?:11[.·．]9|119)[”\"]?\s*(?:全国)?消防(?:宣传)?日|全国消防日"), (11, 9), (11, 9)),
    (re.compile(r"全国防灾减灾日"), (5, 12), (5, 12)),
    (re.compile(r"国际(?:禁毒|戒毒)日"), (6, 26), (6, 26)),
    (re.compile(r"全国交通安全日"), (12, 2), (12, 2)),
    (re.compile(r"安全生产(?:宣传)?月"), (6, 1), (6, 30)),
)
_DAY = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH = re.compile(r"(去年|上年)?\s*(\d{1,2})\s*月(?:份)?\s*(初|上旬|中旬|下旬|底|末)?(?![\d日号])")
_UNTIL = re.compile(r"(?:截止|截至)(?:到)?\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|底|末)")
_QUARTER = re.compile(r"(?<![每前上下本后])第?([一二三四1-4])\s*季度")
_PARTS = (
    (re.compile(r"前三季度"), (1, 1), (9, 30)),
    (re.compile(r"上半年"), (1, 1), (6, 30)),
    (re.compile(r"下半年"), (7, 1), (12, 31)),
    (re.compile(r"暑期|暑假"), (7, 1), (8, 31)),
)
_YEAR_WORDS = re.compile(r"今年|全年|一年来|年内|本年度|当年|年度内")

_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_QUOTED = re.compile(r"[“\"]([^“”\"\n]{2,60})[”\"]")
_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔［\[【（(]\s*\d{4}\s*[〕］\]】）)]\s*第?\s*\d{1,4}\s*号")
_ABOUT = re.compile(r"(?:制定下发|印发了?|下发了?|出台了?|制定了?)(关于[^，。；,;!！?？（(]{4,60})")
_NOT_DOCUMENTS = re.compile(r"(?:法|条例|合格证|许可证|证书|手册|读本|画册|总结|合集|指令书|意见书|通知书|执照)[)）]?$")
_PERIODICAL = re.compile(r"^(?:杂志|期刊|报|刊物|周刊|月刊|电视|专题片|视频|电影|节目|一书|图书)")
_FILE_NAME = re.compile(r"\.(?:docx?|wps|pdf|txt)\b.*$", re.I)  # 《实施方案.doc(14页珍藏版)》: a web page's name of the file
_GLYPHS = re.compile(r"^[^\w\u4e00-\u9fff“\"]+")  # stray marks before a title (÷安全社区……)
# A document named by its title and, in brackets after it, its number: 按照……的指导意见(安监总政发(2009)11号)
_NUMBERED = re.compile(r"[（(]\s*([\u4e00-\u9fff]{1,10}\s*(?:[〔［\[【（(]\s*\d{4}\s*[〕］\]】）)]|\d{4})\s*第?\s*\d{1,4}\s*号)\s*[)）]")
_BEFORE_TITLE = re.compile(r"[，。；,;、：:《》“”\"]|按照|根据|依据|依照|贯彻|落实|和|及")
_DOCUMENT_END = re.compile(r"(?:通知|意见|方案|计划|办法|规定|决定|细则|预案|制度|要点|纲要|标准|规划|批复|函)$")
_ANNOUNCEMENT = re.compile(r"(?:通知|方案|计划|意见|要点|安排|规划)$")  # a text that announces work, not one that reports it
_FILES_AFTER = re.compile(r"^\s*等(?:文件|通知|方案)")

_ORG = re.compile(r"(?<!各)(?:成立了?|组建了?|设立了?)\s*(?:以[^，。]{2,20}为[^，。]{1,10}的)?[“\"]?([^，。；,;“”\"]{2,30}?"
                  r"(?:领导小组|工作小组|委员会|安委会|指挥部|办公室|志愿服务队|志愿者服务队|志愿者协会|巡逻队|应急队|救援队))[”\"]?")
_HEAD = re.compile(r"由\s*([\u4e00-\u9fff]{2,16}?)\s*(?:担)?任\s*(组长|主任|主任委员|总指挥)")
_MEMBERS = re.compile(r"([\u4e00-\u9fff、]{2,120}?)\s*(?:等同志)?为\s*(?:小组)?(?:成员|副组长)")
_OFFICE = re.compile(r"下设\s*办公室[，,]?\s*(?:由)?\s*([\u4e00-\u9fff]{2,3})\s*(?:同志)?\s*(?:兼)?任\s*(?:办公室)?主任")
_UNITS_LISTED = re.compile(r"成员单位(?:为|有|包括)[：:]?\s*([^。；;]{4,300})")
_POSTS = re.compile(r"^(.*?(?:书记|主任|镇长|乡长|街道办主任|区长|县长|局长|所长|队长|站长|主席|部长|科长|委员|干事|经理|校长))")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
_NOT_NAMES = re.compile(r"各|等|单位|部门|主任|书记|负责人|领导|社区|村|局|所|委|办|站|队|会|中心|公司|人员")

_RECTIFY = re.compile(r"(?:责令)?整改(?:指令书|通知书|意见书|指令)[》”]?\s*(?:共)?\s*(\d+)\s*(?:份|件|张)")
_REVIEWED = re.compile(r"复查(?:意见书)?[》”]?\s*(?:共)?\s*(\d+)\s*(?:份|件|处|家)")
_FIXED = re.compile(r"(?:整改|消除|整治|排除|治理)(?:各类|安全)?(?:隐患|问题)\s*(?:共)?\s*(\d+)\s*(?:处|项|个|条|起)|隐患\s*(\d+)\s*(?:处|项|个|条)\s*[，,]?\s*(?:已|均已|全部)?(?:整改|消除)")
_FOUND = re.compile(r"(?:发现|排查出?|查出)(?:各类|安全)?(?:隐患|问题)\s*(?:共)?\s*(\d+)\s*(?:处|项|个|条|起)")

_PLACE_SUFFIX = r"(?:街道办事处|街道|镇人民政府|人民政府|镇|乡|工业园区|园区)"
_COMMUNITY = re.compile(rf"^\s*([\u4e00-\u9fff]{{2,16}}?{_PLACE_SUFFIX})(?:关于)?\s*(?:(?:19|20)\d{{2}}|二〇)")
_SUBDIVISIONS = re.compile(rf"(?:下辖|辖属|辖区有|辖|管辖)\s*{_NUM}\s*个\s*(?:社区|村|行政村|村（社区）|村\(社区\)|村居)")
_POPULATION = re.compile(r"常住人口\s*(?:约|共|达)?\s*(\d+(?:\.\d+)?)\s*(万)?\s*(?:余|多)?\s*人")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(年)?")
_EXTRA_MEETING = ("会议", "例会", "动员会", "部署会", "调度会", "专题会", "工作会")


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 1:
        return _CN.get(text)
    if text.startswith("十"):
        return 10 + _CN.get(text[1], 0)
    if text.endswith("十"):
        return _CN.get(text[0], 0) * 10 or None
    if len(text) == 3 and text[1] == "十":
        return _CN.get(text[0], 0) * 10 + _CN.get(text[2], 0)
    return None


def _shorten(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= MAX_SOURCE else text[:MAX_SOURCE - 1] + "…"


@dataclass
class _Kinds:
    """The words of each activity and document kind, taken from the rule set's vocabulary."""

    document: list[tuple[str, DocumentKind]]  # (word, kind), longest first
    pattern: re.Pattern  # every activity word, longest first: one scan a clause
    kind_of: dict[str, ActivityKind]  # a word of two kinds (大讲堂) is the first's

    @classmethod
    def of(cls, scheme: Scheme) -> _Kinds:
        vocabulary = scheme.words

        def words(kind) -> list[str]:
            said = vocabulary.words(kind.value) if kind.value in vocabulary else [kind.value]
            return sorted({*said, kind.value})

        activity = [(w, k) for k in ActivityKind for w in words(k)]
        activity += [(w, ActivityKind.MEETING) for w in _EXTRA_MEETING]
        document = [(w, k) for k in DocumentKind if k is not DocumentKind.OTHER for w in words(k)]
        key = lambda pair: (-len(pair[0]), pair[0])  # noqa: E731
        activity = sorted(set(activity), key=key)
        pattern = re.compile("|".join(re.escape(w) for w in dict.fromkeys(w for w, _ in activity)))
        kind_of: dict[str, ActivityKind] = {}
        for word, kind in activity:
            kind_of.setdefault(word, kind)
        return cls(sorted(set(document), key=key), pattern, kind_of)

    def activities_in(self, text: str) -> list[tuple[int, int, ActivityKind]]:
        """(start, end, kind) of every activity word, the longest at each place (宣传教育, not 教育 in it)."""
        return [(m.start(), m.end(), self.kind_of[m.group(0)]) for m in self.pattern.finditer(text)]

    def document_kind(self, title: str) -> DocumentKind:
        """The kind a title ends with (关于印发安全检查制度的通知 is a 通知; 稳控方案 a 预案)."""
        found = [(title.rfind(w) + len(w), len(w), k) for w, k in self.document if w in title]
        if not found:
            return DocumentKind.NOTICE if title.startswith("关于") else DocumentKind.OTHER
        return max(found, key=lambda f: (f[0], f[1]))[2]


# -- time ------------------------------------------------------------------------------------

@dataclass
class _When:
    start: date
    end: date | None
    confidence: str
    label: str = ""  # an occasion's name, put before the title


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _mask(text: str) -> str:
    """The sentence with document titles blanked out: a date in a title is not the event's."""
    return _TITLE.sub(lambda m: "□" * len(m.group(0)), text)


def _unnamed(text: str) -> str:
    """The sentence without titles and occasions: 安全生产月 and 消防宣传日 say when, not what was done."""
    text = _mask(text)
    for pattern, *_ in _OCCASIONS:
        text = pattern.sub(lambda m: "□" * len(m.group(0)), text)
    return text


def _time(text: str, year: int) -> tuple[_When | None, list[_When], bool]:
    """The most specific time a sentence states (day > month > 截止 > quarter/half > year is
    left to the caller), its dated occasions, and whether it names the year (今年、全年…)."""
    masked = _mask(text)
    for m in _DAY.finditer(masked):
        y = int(m.group(1)) if m.group(1) else year
        day = _safe(y, int(m.group(2)), int(m.group(3)))
        if day and y == year and not re.match(r"\s*前", masked[m.end():]):
            return _When(day, None, HIGH), [], True
    m = _UNTIL.search(masked)
    if m:
        month = int(m.group(1))
        if 1 <= month <= 12:
            last = _safe(year, month, int(m.group(2))) if m.group(2) else date(year, month, _last_day(year, month))
            if last:
                return _When(date(year, 1, 1), last, MEDIUM), [], True
    for m in _MONTH.finditer(masked):
        month = int(m.group(2))
        if m.group(1) or not 1 <= month <= 12 or re.match(r"\s*前", masked[m.end():]):
            continue
        part = m.group(3)
        first, last = 1, _last_day(year, month)
        if part in ("初", "上旬"):
            last = 10
        elif part == "中旬":
            first, last = 11, 20
        elif part in ("下旬", "底", "末"):
            first = 21
        return _When(date(year, month, first), date(year, month, last), MEDIUM), [], True
    m = _QUARTER.search(masked)
    if m:
        q = _number(m.group(1))
        if q and 1 <= q <= 4:
            return _When(date(year, 3 * q - 2, 1), date(year, 3 * q, _last_day(year, 3 * q)), MEDIUM), [], True
    for pattern, (m1, d1), (m2, d2) in _PARTS:
        if pattern.search(masked):
            return _When(date(year, m1, d1), date(year, m2, d2), MEDIUM), [], True
    occasions = []
    for pattern, (m1, d1), (m2, d2) in _OCCASIONS:
        m = pattern.search(masked)
        if m:
            start, end = date(year, m1, d1), date(year, m2, d2)
            occasions.append(_When(start, None if start == end else end, MEDIUM, m.group(0)))
    return None, occasions, bool(_YEAR_WORDS.search(masked) or re.search(rf"{year}\s*年", masked))


def _recurrence(text: str) -> int | None:
    m = _EVERY.search(_mask(text))
    if not m:
        return None
    if m.group(1) is None:  # 季度 written as a habit: 季度安全生产检查
        return 4
    times = _number(m.group(2)) if m.group(2) else 1
    return _PER_YEAR[m.group(1)] * (times or 1)


# -- sentences -------------------------------------------------------------------------------

@dataclass
class _Sentence:
    text: str
    paragraph: int
    lead: bool  # the first sentence of an enumerated paragraph (一是……/1、……), short
    plan: bool  # inside the section on next year's plan
    _times: dict = field(default_factory=dict)

    def time(self, year: int) -> tuple[_When | None, list[_When], bool]:
        """`_time` of the sentence, worked out once."""
        if year not in self._times:
            self._times[year] = _time(self.text, year)
        return self._times[year]


def _sentences(text: str) -> tuple[list[_Sentence], list[tuple[str, str]]]:
    """The text's sentences in order, and the headings that open a plan section (heading, line)."""
    out: list[_Sentence] = []
    plans: list[tuple[str, str]] = []
    in_plan = False
    for p, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").split("\n")):
        line = line.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading and len(line) <= 30:
            in_plan = bool(_PLAN.search(heading.group(1)))
            if in_plan:
                plans.append((heading.group(1).strip("：:。 "), line))
        pieces = [c for s in re.split(r"(?<=[。！？!?；;])", line) if s.strip() for c in _pieces(s)]
        for i, piece in enumerate(pieces):
            lead = i == 0 and bool(_ENUMERATOR.match(piece)) and len(piece) <= 40 and len(pieces) > 1
            out.append(_Sentence(piece.strip(), p, lead, in_plan))
    return out, plans


def _pieces(sentence: str) -> list[str]:
    """A sentence cut after a comma (or anywhere) into pieces of at most MAX_SENTENCE characters."""
    out = []
    while len(sentence) > MAX_SENTENCE:
        cut = max(sentence.rfind(mark, 0, MAX_SENTENCE) for mark in "，,、 ") + 1 or MAX_SENTENCE
        out.append(sentence[:cut])
        sentence = sentence[cut:]
    return out + [sentence] if sentence.strip() else out


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，,；;：:]", text) if c.strip()]


def _clause_pairs(text: str, masked: str) -> list[tuple[str, str]]:
    """(clause as written, the same clause masked): split where the masked text has a separator
    (a comma inside a document's title does not split)."""
    return [(text[m.start():m.end()], m.group(0)) for m in re.finditer(r"[^，,；;：:]+", masked) if m.group(0).strip()]


def _clean_title(text: str) -> str:
    """A short name for an event, from the clause it was found in."""
    text = _ENUMERATOR.sub("", text)
    text = _DAY.sub("", text)
    text = re.sub(r"(?:今年以来|今年来|今年|全年|一年来|年内|本年度|年初|年底|截止|截至)", "", text)
    text = re.sub(rf"(?:共计|共|累计|合计)?\s*(?<![第\d]){_NUM}\s*(?:余|多)?\s*(?:场次|次|场|期|轮|家)", "", text)
    text = re.sub(r"^(?:我们|我社区|社区|街道|我街道|我镇|我乡|我州|已|还|并|均|都|坚持|定期|认真|积极|主要|顺利|共计|共"
                  r"|组织开展了?|开展了?|组织了?|召开了?|举办了?|举行了?|进行了?)+", "", text)
    text = text.strip(" \t。，,、；;：:“”\"'（）()【】")
    return text[:60] or text


def _title_after_verb(clause: str, kind_at: int) -> str:
    """The clause from after the last verb that comes before the kind word (举行了 → what was held)."""
    start = 0
    for m in _VERB.finditer(clause):
        if m.end() <= kind_at:
            start = m.end()
    title = _clean_title(clause[start:])
    return title if len(title) >= 2 else _clean_title(clause)


@dataclass
class _Event:
    kind: ActivityKind
    title: str
    count: int | None = None
    participants: int | None = None
    recurrence: int | None = None


class Drafter:
    """One summary's drafting: call `run(text)`."""

    def __init__(self, scheme: Scheme, year: int | None = None):
        self.scheme = scheme
        self.kinds = _Kinds.of(scheme)
        self.year_given = year

    # -- the year --
    def _year(self, text: str, label: str) -> tuple[int, str]:
        if self.year_given is not None:
            return self.year_given, f"按 --year {self.year_given} 起草"
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in lines[:3]:  # the title says the year the summary covers
            m = _YEAR.search(_mask(line))
            if m:
                return int(m.group(1)), _shorten(line)
        counted: dict[int, int] = {}
        first: dict[int, str] = {}
        for line in lines:
            for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})\s*年(?!代)", line):
                y = int(m.group(1))
                counted[y] = counted.get(y, 0) + 1
                first.setdefault(y, line)
        if not counted:
            raise InputError([Problem(label, 0, 0, "", "总结中没有写明年份（如 2024年），无法确定评估期和“3月12日”是哪一年：请加 --year 2024 指明总结所写的年度")])
        best = max(counted, key=lambda y: (counted[y], y))
        return best, _shorten(first[best])

    # -- events --
    def _events_in(self, sentence: _Sentence, year: int) -> list[_Event]:
        events: list[_Event] = []
        when, occasions, _ = sentence.time(year)
        dated = (when is not None and when.confidence == HIGH) or bool(occasions)  # a day or an occasion: no verb needed
        for written, clause in _clause_pairs(sentence.text, _unnamed(sentence.text)):
            spans = self.kinds.activities_in(clause)
            every = _recurrence(clause)
            counted = _EVERY.sub(lambda m: "□" * len(m.group(0)), clause)  # 每月2次 is a recurrence, not a total
            count_m = _COUNT.search(counted)
            count = _number(count_m.group(1)) if count_m else None
            inspected = [s for s in spans if s[2] is ActivityKind.INSPECTION]
            units_m = _UNITS.search(counted) if inspected and every is None else None
            triggered = bool(_VERB.search(clause) or _TOTAL.search(clause) or every or count)
            if spans and (triggered or (dated and not events)):
                if events and count is None and every is None and units_m is None:
                    continue  # one event a sentence, unless each has its own number
                anchor = count_m.start() if count_m else units_m.start() if units_m else None
                if anchor is not None:  # the kind nearest its number: 组织演练48场, 开展4次专题宣传
                    a, _, kind = min(spans, key=lambda s: (abs(s[0] - anchor), -s[0]))
                else:  # the head noun comes last: 进行了生产安全宣传活动
                    a, _, kind = max(spans, key=lambda s: (s[1], -s[0]))
                title = _title_after_verb(written, a)
                if len(title) < 4:  # 进行宣传: say what of, from the sentence's opening
                    title = _clean_title(_clauses(sentence.text)[0]) + title
                event = _Event(kind, title, count, recurrence=every)
                if count is None and units_m is not None:  # 检查企业175家: each place a visit, until the clerk says otherwise
                    event.count = _number(units_m.group(1))
                events.append(event)
            elif events and not spans:
                event = events[-1]
                if count is not None and event.count is None:
                    event.count = count
                elif every is not None and event.recurrence is None:
                    event.recurrence = every
            people = _PARTICIPANTS.search(clause)
            if people and events and events[-1].participants is None:
                value = float(people.group(1)) * (10000 if people.group(2) else 1)
                events[-1].participants = int(value)
        return events

    def _dated(self, event: _Event, sentence: _Sentence, year: int) -> list[tuple[dict, str]]:
        """The event as records (one per dated occasion), with their confidence; none if undated."""
        when, occasions, said_year = sentence.time(year)
        whole = _When(date(year, 1, 1), date(year, 12, 31), MEDIUM if said_year else LOW)
        count = event.count
        if event.recurrence and count is None:
            count, when = event.recurrence, when if when and when.end else whole
        elif when is None and count is not None and (said_year or _TOTAL.search(sentence.text) or _VERB.search(sentence.text)):
            when = whole
        if when is None and occasions and count is None:
            return [self._record(event, o, None) for o in occasions]
        if when is None:
            return []
        return [self._record(event, when, count)]

    def _record(self, event: _Event, when: _When, count: int | None) -> tuple[dict, str]:
        title = event.title
        label = when.label.strip("“”\"")
        if label and label not in title:
            title = f"{label}{'期间' if when.end else '：'}{title}"
        record: dict = {"kind": event.kind.value, "date": when.start.isoformat(), "title": title}
        if when.end and when.end != when.start:
            record["end"] = when.end.isoformat()
        if count and count > 1:
            record["count"] = min(count, 100_000)
        if event.participants:
            record["participants"] = event.participants
        return record, when.confidence

    # -- the whole text --
    def run(self, text: str, label: str = "") -> Draft:
        year, year_source = self._year(text, label)
        sentences, plans = _sentences(text)
        rows: list[Row] = []
        facts = self._facts(text, sentences)
        default = self._default_window(text, year)
        seen_titles: set[str] = set()
        own = self._own_title(text)
        if own:  # a notice or plan: itself a document, announcing work that is not done yet
            issuer, title, line = own
            rows.append(self._document(title, MEDIUM, None, line, seen_titles))
            name = _office(issuer)
            if name and facts[("community", "name")][0] == PLACEHOLDER_NAME:
                facts[("community", "name")] = (name, _shorten(line), MEDIUM)
                kind = self._community_kind(name)
                if kind:
                    facts[("community", "kind")] = (kind.value, _shorten(line), MEDIUM)
        seen_events: list[dict] = []
        seen_said: set[tuple] = set()  # (kind, title, date, end): the same event told twice
        paragraph_has_event: dict[int, bool] = {}
        leads: list[_Sentence] = []
        lead_of: dict[int, _Sentence] = {}
        truncated = False
        leading: Row | None = None  # the last leading group, whose 办公室 the next sentences may name
        for s in sentences:
            if len(rows) >= MAX_ROWS:
                truncated = True
                break
            if s.lead:
                leads.append(s)
                lead_of[s.paragraph] = s
            lead = lead_of.get(s.paragraph) if not s.lead else None
            rows += self._documents(s, seen_titles)
            org = self._organization(s)
            if org:
                org.paragraph = s.paragraph
                rows.append(org)
                if org.record["kind"] == OrganizationKind.LEADERSHIP.value:
                    leading = org
            if leading is not None and leading.paragraph == s.paragraph:
                office = self._office_of(s, leading)
                if office:
                    rows.append(office)
                    leading = None
            if s.plan or own or _IMPERATIVE.search(_mask(s.text)):
                continue
            sentence_rows = []
            for event in self._events_in(s, year):
                for record, confidence in self._dated(event, s, year):
                    source = s.text
                    if lead is not None and _VERB.search(lead.text):  # 二是组织开展学习教育活动。在……期间……
                        source = f"{lead.text} {s.text}"
                        if not paragraph_has_event.get(s.paragraph) and not sentence_rows:
                            record["title"] = _clean_title(lead.text)
                    said = (record["kind"], record["title"], record["date"], record.get("end"))
                    if said in seen_said or any(_same_event(record, other) for other in seen_events):
                        continue
                    seen_events.append(record)
                    seen_said.add(said)
                    sentence_rows.append(Row("activities", record, _shorten(source), confidence, paragraph=s.paragraph))
            if sentence_rows:
                paragraph_has_event[s.paragraph] = True
            elif rows and rows[-1].collection == "activities" and not self.kinds.activities_in(_unnamed(s.text)):
                people = _PARTICIPANTS.search(_mask(s.text))
                last = rows[-1]
                if people and re.search(r"参加|参与|参训|参演|参赛|受教育|人数", s.text) and "participants" not in last.record \
                        and last.paragraph == s.paragraph:
                    last.record["participants"] = int(float(people.group(1)) * (10000 if people.group(2) else 1))
            rows += sentence_rows
            rectification = self._rectification(s, sentence_rows)
            if rectification:
                rows.append(rectification)
        if own is None:
            rows += self._lead_events(leads, sentences, paragraph_has_event, year, default)
        rows += self._plans(plans, year)
        rows = self._numbered(rows[:MAX_ROWS])
        return Draft(year, year_source, rows, facts, truncated or len(rows) == MAX_ROWS)

    def _default_window(self, text: str, year: int) -> _When | None:
        """A 安全生产月 summary is about June: its undated activities took place then."""
        opening = text[:300]
        if re.search(r"安全生产(?:宣传)?月", opening) and re.search(r"总结|开展情况", opening):
            return _When(date(year, 6, 1), date(year, 6, 30), LOW, "")
        return None

    def _lead_events(self, leads, sentences, has_event, year, default) -> list[Row]:
        """An enumerated paragraph (二是组织开展学习教育活动。……) whose sentences gave no event of
        their own: the lead names the activity, the paragraph says when."""
        rows = []
        paragraphs: dict[int, list[_Sentence]] = {}
        for s in sentences:
            paragraphs.setdefault(s.paragraph, []).append(s)
        for lead in leads:
            if has_event.get(lead.paragraph) or lead.plan or not _VERB.search(lead.text):
                continue
            body = paragraphs[lead.paragraph]
            if any(_IMPERATIVE.search(_mask(s.text)) for s in body):
                continue
            spans = self.kinds.activities_in(_unnamed(lead.text))
            kind = spans[0][2] if spans else next(
                (sp[0][2] for s in body if (sp := self.kinds.activities_in(_unnamed(s.text)))), None)
            if kind is None:
                continue
            when = None
            for s in body:
                found, occasions, _ = s.time(year)
                when = found or (occasions[0] if occasions else None)
                if when:
                    break
            when = when or default
            if when is None:
                continue
            record, _ = self._record(_Event(kind, _clean_title(lead.text)), _When(when.start, when.end, LOW), None)
            source = _shorten(" ".join(s.text for s in body))
            rows.append(Row("activities", record, source, LOW))
        return rows

    # -- documents --
    def _documents(self, s: _Sentence, seen: set[str]) -> list[Row]:
        text = s.text
        found: list[tuple[str, str, str | None]] = []  # (title, confidence, 文号)
        for m in _TITLE.finditer(text):
            title = _GLYPHS.sub("", _FILE_NAME.sub("", m.group(1))).strip()
            if len(title) < 2 or _NOT_DOCUMENTS.search(title) or _PERIODICAL.match(text[m.end():]):
                continue
            number = _NUMBERED.match(text[m.end():])
            found.append((title, HIGH, number.group(1) if number else None))
        for m in _NUMBERED.finditer(text):
            before = text[max(0, m.start() - 80):m.start()]
            if before.endswith("》"):
                continue  # 《…》(文号): taken above
            cut = max((b.end() for b in _BEFORE_TITLE.finditer(before)), default=0)
            title = before[cut:].strip()
            if len(title) >= 6 and _DOCUMENT_END.search(title):
                found.append((title, MEDIUM, m.group(1)))
        quoted = list(_QUOTED.finditer(text))
        for i, m in enumerate(quoted):
            title = m.group(1).strip()
            if title.startswith(("《", "关于")) and _TITLE.search(title):
                continue
            listed = _listed_as_files(text, quoted[i:])
            kind = self.kinds.document_kind(title)
            named = len(title) >= 6 and kind is not DocumentKind.OTHER and title.endswith(tuple(w for w, k in self.kinds.document if k is kind))
            if (listed or named) and not _NOT_DOCUMENTS.search(title):
                found.append((title, MEDIUM, None))
        for m in _ABOUT.finditer(_mask(text)):
            title = m.group(1).strip("“”\"")
            if not _TITLE.search(title):
                found.append((title, MEDIUM, None))
        numbered = {re.sub(r"\s+", "", n) for _, _, n in found if n}
        rows = [self._document(title, confidence, number, text, seen) for title, confidence, number in found]
        for m in _NUMBER.finditer(text):  # a 文号 with no title beside it: a row to name
            number = re.sub(r"\s+", "", m.group(0))
            if not any(number.endswith(n) or n.endswith(number) for n in numbered):
                rows.append(self._document(f"{number}文件", LOW, number, text, seen, DocumentKind.NOTICE))
        return [row for row in rows if row is not None]

    def _document(self, title: str, confidence: str, number: str | None, source: str, seen: set[str],
                  kind: DocumentKind | None = None) -> Row | None:
        key = re.sub(r"[“”\"《》\s]", "", title)
        if any(key.endswith(other) or other.endswith(key) for other in seen):
            return None  # the same document named again, or with its issuer (……实施方案 and 大武口区……实施方案)
        seen.add(key)
        kind = kind or self.kinds.document_kind(title)
        record = {"kind": kind.value, "title": title}
        if number:
            record["number"] = re.sub(r"\s+", "", number)
        return Row("documents", record, _shorten(source), confidence if kind is not DocumentKind.OTHER else LOW)

    def _own_title(self, text: str) -> tuple[str, str, str] | None:
        """The text's own title when it is a notice or a plan (关于开展……的通知): (issuer, title, line)."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in lines[:15]:
            if "。" in line:
                break  # the body has begun: a title comes before it
            bare = _GLYPHS.sub("", _FILE_NAME.sub("", line)).strip()
            if len(bare) > 80 or re.search(r"[，,；;：:]", bare) or _ENUMERATOR.match(bare) or not _ANNOUNCEMENT.search(bare):
                continue
            at = bare.find("关于")
            return (bare[:at].strip(), bare[at:], line) if at > 0 else ("", bare, line)
        return None

    def _plans(self, plans: list[tuple[str, str]], year: int) -> list[Row]:
        rows = []
        for heading, line in plans:
            title = heading
            if _NEXT_YEAR.search(heading):
                title = f"{heading}（{year + 1}年）"
            rows.append(Row("documents", {"kind": DocumentKind.PLAN.value, "title": title}, _shorten(line), MEDIUM))
        return rows

    # -- organisations --
    def _organization(self, s: _Sentence) -> Row | None:
        m = _ORG.search(s.text)
        if not m or s.plan or "各" in s.text[max(0, m.start() - 6):m.start()] or re.match(r"若干|一个|一批|多个", m.group(1)):
            return None  # 各乡镇成立了……: others' bodies
        name = m.group(1).strip()
        name = re.sub(r"^(?:了|社区|街道)?", "", name) if len(name) > 6 else name
        found = self.scheme.words.find(name)
        if "领导机构" in found or re.search(r"领导小组|委员会|安委会|指挥部", name):
            kind = OrganizationKind.LEADERSHIP
        elif "志愿者组织" in found:
            kind = OrganizationKind.VOLUNTEER
        else:
            kind = OrganizationKind.WORKING
        row = Row("organizations", {"kind": kind.value, "name": name}, _shorten(s.text), MEDIUM)
        head = _HEAD.search(s.text)
        if head:
            who, role = head.group(1), head.group(2)
            post = _POSTS.match(who)
            person = who[len(post.group(1)):] if post else who
            if _NAME.match(person) and not _NOT_NAMES.search(person):
                member = {"name": person, "title": f"{role}（{post.group(1)}）" if post else role}
                row.members.append((member, _shorten(s.text), MEDIUM))
        listed = _MEMBERS.search(s.text[head.end() if head else 0:])
        if listed:
            for part in re.split(r"[、]", listed.group(1).split("，")[-1].split(",")[-1]):
                part = part.strip()
                if _NAME.match(part) and not _NOT_NAMES.search(part) and all(part != m["name"] for m, _, _ in row.members):
                    row.members.append(({"name": part, "title": "成员"}, _shorten(s.text), LOW))
        units = _UNITS_LISTED.search(s.text)
        if units:  # 成员单位为区应急局、公安分局……: a unit a row, named by itself until the clerk writes its member
            for unit in re.split(r"[、，,和及]", units.group(1).removesuffix("等")):
                unit = unit.strip().removesuffix("等")
                if 2 <= len(unit) <= 30:
                    row.members.append(({"name": unit, "unit": unit, "title": "成员单位"}, _shorten(s.text), LOW))
        return row

    def _office_of(self, s: _Sentence, leading: Row) -> Row | None:
        """领导小组下设办公室，管继文任办公室主任: the working body under a leading group."""
        m = _OFFICE.search(s.text)
        if not m:
            return None
        row = Row("organizations", {"kind": OrganizationKind.WORKING.value, "name": f"{leading.record['name']}办公室"}, _shorten(s.text), MEDIUM)
        if not _NOT_NAMES.search(m.group(1)):
            row.members.append(({"name": m.group(1), "title": "办公室主任"}, _shorten(s.text), MEDIUM))
        return row

    # -- rectifications --
    def _rectification(self, s: _Sentence, events: list[Row]) -> Row | None:
        text = s.text
        ordered = _RECTIFY.search(text)
        fixed = _FIXED.search(text)
        found = _FOUND.search(text)
        if ordered:
            count, confidence, m = int(ordered.group(1)), HIGH, ordered
        elif fixed:
            count, confidence, m = int(fixed.group(1) or fixed.group(2)), MEDIUM, fixed
        elif found:
            count, confidence, m = int(found.group(1)), LOW, found
        else:
            return None
        if count < 1:
            return None
        record: dict = {"kind": "整改", "issue": _clean_issue(text, m.start()), "count": min(count, 100_000)}
        reviewed = _REVIEWED.search(text)
        if reviewed and int(reviewed.group(1)) <= count:
            record["verified_count"] = int(reviewed.group(1))
        inspections = [r for r in events if r.record["kind"] == ActivityKind.INSPECTION.value]
        if inspections:
            record["_activity"] = inspections[-1]
        return Row("rectifications", record, _shorten(text), confidence)

    # -- basic facts --
    def _facts(self, text: str, sentences: list[_Sentence]) -> dict[tuple[str, ...], tuple[object, str, str]]:
        facts: dict[tuple[str, ...], tuple[object, str, str]] = {}
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in lines[:3]:
            m = _COMMUNITY.match(line)
            if m:
                name = m.group(1)
                facts[("community", "name")] = (name, _shorten(line), MEDIUM)
                kind = self._community_kind(name)
                if kind:
                    facts[("community", "kind")] = (kind.value, _shorten(line), MEDIUM)
                break
        if ("community", "name") not in facts:
            facts[("community", "name")] = (PLACEHOLDER_NAME, "总结中没有写明单位名称：请填写", LOW)
            for s in sentences:
                m = re.search(r"我(街道|镇|乡|园区)", s.text)
                if m:
                    kind = self._community_kind(m.group(1))
                    facts[("community", "kind")] = (kind.value, _shorten(s.text), LOW)
                    break
        for s in sentences:
            m = _SUBDIVISIONS.search(s.text)
            if m and ("community", "subdivisions") not in facts and _number(m.group(1)):
                facts[("community", "subdivisions")] = (_number(m.group(1)), _shorten(s.text), MEDIUM)
            m = _POPULATION.search(s.text)
            if m and ("community", "population") not in facts:
                facts[("community", "population")] = (int(float(m.group(1)) * (10000 if m.group(2) else 1)), _shorten(s.text), MEDIUM)
        return facts

    @staticmethod
    def _community_kind(name: str) -> CommunityKind | None:
        if re.search(r"街道", name):
            return CommunityKind.STREET
        if re.search(r"镇|乡", name):
            return CommunityKind.TOWNSHIP
        if re.search(r"园区", name):
            return CommunityKind.INDUSTRIAL_PARK
        return None

    # -- ids and links --
    @staticmethod
    def _numbered(rows: list[Row]) -> list[Row]:
        order = ("organizations", "documents", "activities", "rectifications")
        rows = sorted(rows, key=lambda r: order.index(r.collection))  # stable: text order within each
        prefixes = {"organizations": ("O-", 2), "documents": ("D-", 3), "activities": ("A-", 3), "rectifications": ("R-", 3)}
        counters: dict[str, int] = {}
        for row in rows:
            prefix, width = prefixes[row.collection]
            counters[row.collection] = counters.get(row.collection, 0) + 1
            row.record = {"id": f"{prefix}{counters[row.collection]:0{width}d}", **row.record}
        for row in rows:
            linked = row.record.pop("_activity", None)
            if linked is not None:
                row.record["activity"] = linked.record["id"]
        return rows


def _listed_as_files(text: str, quoted: list[re.Match]) -> bool:
    """The first quotation opens a list of them that ends in 等文件: “百日安全大会战”、“……预案”等文件."""
    for a, b in zip(quoted, quoted[1:] + [None]):
        if _FILES_AFTER.match(text[a.end():]):
            return True
        if b is None or not re.fullmatch(r"[、，,和及与\s]*", text[a.end():b.start()]):
            return False
    return False


def _office(issuer: str) -> str | None:
    """The office that issued a notice, without the levels above it (重庆市綦江区人民政府新盛街道办事处 → 新盛街道办事处)."""
    place = re.compile(rf"[\u4e00-\u9fff]{{2,12}}{_PLACE_SUFFIX}")
    if not place.fullmatch(issuer):
        return None
    while (m := re.match(r"[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|区|县)|人民政府", issuer)) and place.fullmatch(issuer[m.end():]):
        issuer = issuer[m.end():]
    return issuer


_GENERIC = re.compile(r"安全生产|活动|工作|开展|组织|各类|社区|街道")


def _same_event(a: dict, b: dict) -> bool:
    """A total told twice (共组织10场培训 … 今年开展了10场讲座): the same dates and number of times,
    and titles sharing four characters beyond the generic words."""
    if (a["date"], a.get("end"), a.get("count", 1)) != (b["date"], b.get("end"), b.get("count", 1)) or a.get("count", 1) < 2:
        return False
    x, y = _GENERIC.sub("|", a["title"]), _GENERIC.sub("|", b["title"])
    return any(x[i:i + 4] in y for i in range(len(x) - 3) if "|" not in x[i:i + 4])


def _clean_issue(text: str, at: int) -> str:
    """The clause(s) around the numbers: what was found and done."""
    clauses = re.split(r"(?<=[，,；;。])", text)
    start = 0
    out = []
    for clause in clauses:
        end = start + len(clause)
        if end > at:
            out.append(clause)
            if len("".join(out)) > 40:
                break
        start = end
    issue = "".join(out).strip(" ，,；;。")
    return issue[:200] or text[:200]


def draft(text: str, scheme: Scheme, year: int | None = None, label: str = "") -> Draft:
    """Proposed rows for the 台账 from the text of a summary. Raises InputError (naming `label`)
    when the year cannot be told; the result always validates as a bundle."""
    result = Drafter(scheme, year).run(text, label)
    Evidence.model_validate(result.data())  # a draft the reader would refuse is a bug here, not the clerk's
    return result


def workbook(result: Draft, scheme: Scheme) -> bytes:
    """The drafted 台账: the same sheets as `safecomm init --xlsx`, the proposed rows greyed, each
    with its 来源 and 可信度."""
    from .ledger.write import DRAFT_NOTE, ledger_bytes

    return ledger_bytes(result.data(), scheme, mark=DRAFT_NOTE, remarks=result.remarks())
