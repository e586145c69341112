"""The 申报表 as PDF: the HTML of report/html.py printed by WeasyPrint (≥ 70).

Nothing is fetched from the network: the fetcher serves `data:` URLs, the package's own
assets, files inside the evidence folder and the user's font files, and refuses the rest.
The same assessment gives the same bytes in any process: the creation date is the end of the
assessment period (set in the HTML), never the current time, and the PDF identifier is a hash
of the content.
"""

from __future__ import annotations

import functools
import mimetypes
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..assessment import Assessment
from . import html
from .compose import PARTS
from .html import Fonts


class Refused(ValueError):
    """A URL the 申报表 may not read."""


class LocalFetcher(URLFetcher):
    """Serves only `data:` URLs and files inside `folders` or listed in `files`."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path] = ()):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.folders = [Path(f).resolve() for f in folders]
        self.files = {Path(f).resolve() for f in files}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:  # noqa: ANN001 - WeasyPrint's signature
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            allowed = path in self.files or any(path.is_relative_to(f) for f in self.folders)
            if allowed and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
            if allowed:
                raise Refused(f"文件不存在：{path}")
            raise Refused(f"拒绝读取 {path}：申报表只读取程序自带的资源和证据文件夹内的文件")
        raise Refused(f"拒绝读取 {url}：申报表不从网络获取任何内容")


def render(result: Assessment, evidence_dir: Path, fonts: Fonts = Fonts(), parts: tuple[str, ...] = PARTS,
           footer: str = "page") -> bytes:
    """The PDF bytes of the chosen `parts`. `evidence_dir` is the folder of the evidence file (attachments live there)."""
    evidence_dir = Path(evidence_dir).resolve()
    fetcher = LocalFetcher([html.ASSETS, evidence_dir], fonts.files())
    base = evidence_dir.as_uri() + "/"
    if fonts.files():  # the user's @font-face rules would stay in a shared configuration: a fresh one
        page = HTML(string=html.render(result, fonts, parts, footer), base_url=base, url_fetcher=fetcher)
        return page.render(font_config=FontConfiguration()).write_pdf(pdf_identifier=True, finisher=_objects_once)
    page = HTML(string=html.render(result, fonts, parts, footer, styled=False), base_url=base, url_fetcher=fetcher)
    with _SYSTEM_LOCK:
        return page.render(font_config=_system_fonts(), stylesheets=[_system_css()]).write_pdf(
            pdf_identifier=True, finisher=_objects_once)


def _objects_once(document, pdf) -> None:  # noqa: ANN001 - WeasyPrint's finisher: its Document and pydyf's PDF
    """Each object's bytes made once. To give the PDF its identifier (a hash of its content), pydyf
    makes every object's bytes twice, once to write it and once to hash it, so every stream was
    compressed twice at zlib's level 9. Called by WeasyPrint just before pydyf writes the file,
    when the objects are complete: the bytes are the same (tested)."""
    for obj in pdf.objects:
        if obj.free != "f" and isinstance(getattr(type(obj), "data", None), property):
            obj.__class__ = _once(type(obj))


@functools.cache
def _once(cls: type) -> type:
    """`cls` with its `data` made on the first use and kept."""
    def data(self):  # noqa: ANN001, ANN202
        made = self.__dict__.get("_made")
        if made is None:
            made = self.__dict__["_made"] = cls.data.fget(self)
        return made

    return type(cls.__name__, (cls,), {"data": property(data), "__module__": __name__})


_SYSTEM_LOCK = threading.Lock()  # one document at a time in the shared configuration


@functools.cache
def _system_fonts() -> FontConfiguration:
    """One font configuration per process for the papers in the system's fonts: the fonts it has
    loaded and measured serve the next document (a batch worker, the workbench's job worker)
    instead of being loaded again. The bytes are the same as with a fresh one (tested)."""
    return FontConfiguration()


@functools.cache
def _system_css() -> CSS:
    """The page's stylesheet in the system's fonts, parsed once per process and given to each
    document beside its HTML instead of inside it. Given so, it is the user's origin, not the
    author's; that changes nothing here, as the page's only author styles are `style` attributes,
    which won over the stylesheet before too, and it has no !important (the bytes are the same, tested)."""
    return CSS(string=html.stylesheet(), base_url=html.ASSETS.as_uri() + "/", url_fetcher=LocalFetcher([html.ASSETS]),
               font_config=_system_fonts())
