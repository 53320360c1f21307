"""Plain text out of the documents people scan: text, HTML, PDF and DOCX.

Each format goes through a well-kept library (lxml.html, pypdf, python-docx). The
character spans `scan` reports refer to the text returned here.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

DOCUMENT_FORMATS = ("text", "html", "pdf", "docx")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "title", "dt", "dd",
}  # fmt: skip


class DocumentError(Exception):
    """A document that cannot be read: names the file and why."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


def sniff_document_format(data: bytes, name: str = "") -> str:
    """The format from the extension, else from the first bytes."""
    suffix = Path(name).suffix.lower()
    by_suffix = {
        ".pdf": "pdf",
        ".docx": "docx",
        ".html": "html",
        ".htm": "html",
        ".xhtml": "html",
        ".txt": "text",
        ".text": "text",
        ".md": "text",
        ".eml": "text",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"


def _decode_text(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Old Windows text: every byte sequence decodes, curly quotes land right.
        return data.decode("cp1252", errors="replace")


def html_to_text(data: bytes, source: str = "<html>") -> str:
    """Visible text of an HTML page; block elements become line breaks."""
    import lxml.html
    from lxml import etree

    # Without a declared charset lxml assumes Latin-1; pages today are UTF-8.
    head = data[:2048].lower()
    declared = b"charset" in head or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    markup: str | bytes = data if declared else _decode_text(data, source)
    try:
        try:
            root = lxml.html.document_fromstring(markup)
        except ValueError:  # a str with an XML encoding declaration: let lxml decode
            root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(source, f"not readable HTML: {exc}") from exc
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    chunks: list[str] = []

    def walk(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            chunks.append("\n")
        if element.text and tag:
            chunks.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                chunks.append(child.tail)
        if tag.lower() in _BLOCK_TAGS:
            chunks.append("\n")

    walk(root)
    text = "".join(chunks)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def pdf_to_text(data: bytes, source: str = "<pdf>") -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:  # pypdf raises several kinds here
                raise DocumentError(source, "encrypted PDF: cannot read its text") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise DocumentError(source, f"not a readable PDF: {exc}") from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(source, "PDF has no text layer (a scanned image?); OCR it first")
    return text


def docx_to_text(data: bytes, source: str = "<docx>") -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(source, f"not a readable DOCX document: {exc}") from exc
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(blocks)


def document_text(data: bytes, name: str = "", fmt: str | None = None) -> str:
    """Text of a document given as bytes; the format is sniffed unless given."""
    kind = fmt or sniff_document_format(data, name)
    source = name or "<input>"
    if kind == "pdf":
        return pdf_to_text(data, source)
    if kind == "docx":
        return docx_to_text(data, source)
    if kind == "html":
        return html_to_text(data, source)
    if kind == "text":
        return _decode_text(data, source)
    raise DocumentError(source, f"unknown format {kind!r}; one of {', '.join(DOCUMENT_FORMATS)}")


def read_document(path: str | Path, fmt: str | None = None) -> str:
    """Text of a document file; `DocumentError` when it cannot be opened or read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentError(str(p), "no such file") from exc
    except IsADirectoryError as exc:
        raise DocumentError(str(p), "is a directory") from exc
    except OSError as exc:
        raise DocumentError(str(p), f"cannot read: {exc.strerror or exc}") from exc
    return document_text(data, p.name, fmt)
