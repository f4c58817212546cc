"""Read one article file (.txt, .md, .html) into lines, with a headline and date when the file gives them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from index.errors import CorpusError

SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_BYTES = 5_000_000


@dataclass
class Line:
    """One block of text; `heading` is True/False when the format says so, None when unknown."""

    text: str
    heading: bool | None = None


@dataclass
class RawDocument:
    lines: list[Line]
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)


def read_article(path: Path) -> RawDocument:
    """Decode and parse one file; raises CorpusError naming the file when it cannot be used."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise CorpusError(f"{path.name}: file is larger than {MAX_BYTES // 1_000_000} MB; skipped")
    if b"\x00" in data[:8192]:
        raise CorpusError(f"{path.name}: looks like a binary file, not text; skipped")
    text, warning = _decode(data, path.name)
    if not text.strip():
        raise CorpusError(f"{path.name}: file is empty; skipped")
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        doc = _parse_html(text)
    elif suffix == ".md":
        doc = _parse_markdown(text)
    else:
        doc = RawDocument([Line(t) for t in text.splitlines()])
    if warning:
        doc.warnings.append(warning)
    if not any(line.text.strip() for line in doc.lines):
        raise CorpusError(f"{path.name}: no readable text; skipped")
    return doc


def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, f"{name}: not valid UTF-8; decoded as Windows-1252/Latin-1, check odd characters"


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`)")


def _parse_markdown(text: str) -> RawDocument:
    doc = RawDocument([])
    match = _FRONT_MATTER.match(text)
    if match:
        for entry in match.group(1).splitlines():
            key, _, value = entry.partition(":")
            value = value.strip().strip("\"'")
            if key.strip().lower() == "title" and value:
                doc.title = value
            elif key.strip().lower() in ("date", "published") and value:
                doc.date = value
        text = text[match.end() :]
    for raw in text.splitlines():
        heading = raw.lstrip().startswith("#")
        clean = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", raw.lstrip("#> -").strip()))
        doc.lines.append(Line(clean, heading if clean else None))
    return doc


_SKIP_TAGS = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "form",
    "noscript",
    "svg",
    "button",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "br",
    "tr",
    "section",
    "article",
    "title",
}
_DATE_META = {
    "article:published_time",
    "date",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date",
    "og:published_time",
}


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = RawDocument([])
        self._skip = 0
        self._buffer: list[str] = []
        self._tag_stack: list[str] = []
        self._page_title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key in _DATE_META and values.get("content") and not self.doc.date:
                self.doc.date = values["content"]
            return
        if tag == "time" and values.get("datetime") and not self.doc.date:
            self.doc.date = values["datetime"]
        if tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self._flush()
        self._tag_stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self._flush(tag)
        if tag in self._tag_stack:
            del self._tag_stack[len(self._tag_stack) - 1 - self._tag_stack[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)

    def _flush(self, tag: str | None = None) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if not text:
            return
        if tag == "title":
            self._page_title = text
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.doc.lines.append(Line(text, heading=True))
            if tag == "h1" and not self.doc.title:
                self.doc.title = text
        else:
            self.doc.lines.append(Line(text, heading=False))

    def result(self) -> RawDocument:
        self._flush()
        if not self.doc.title and self._page_title:
            self.doc.title = self._page_title
        return self.doc


def _parse_html(text: str) -> RawDocument:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return parser.result()
