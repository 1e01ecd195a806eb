"""Reading what the candidate pastes or uploads: job descriptions, values, notes (text, PDF, DOCX).

Every refusal is a :class:`DocumentError` subclass whose message says what to do instead; nothing the
candidate gave is changed or kept by reading it.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from rehearse.errors import (
    DamagedDocumentError,
    DocumentError,
    EmptyDocumentError,
    OtherLanguageError,
    ScannedPdfError,
    TooLongDocumentError,
)

# A long job description with benefits and the company blurb runs to about 1,500 words; past this
# many characters a paste is a whole web page or a book, not a job description.
MAX_CHARACTERS = 40_000
# Fewer words than this are not enough to tell the language from.
_LANGUAGE_MIN_WORDS = 25
# English prose, bullet lists included, has 25-50 % of its words among the commonest function words;
# French, German or Spanish written in Latin letters has well under 8 %.
_ENGLISH_MIN_SHARE = 0.08
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
TEXT_SUFFIXES = (".txt", ".md", ".text")
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")


def read_document(data: bytes, name: str, *, what: str = "job description") -> str:
    """The text of an uploaded file (plain text, PDF or DOCX), checked with :func:`check_text`.

    ``name`` is the file's own name: its suffix picks the reader, and messages name it.
    """
    suffix = Path(name).suffix.lower()
    if not data:
        raise EmptyDocumentError(f"“{name}” is empty (0 bytes); upload the {what} again or paste it.")
    if suffix == ".pdf":
        text = _pdf_text(data, name)
    elif suffix == ".docx":
        text = _docx_text(data, name)
    elif suffix in TEXT_SUFFIXES:
        text = _plain_text(data, name)
    else:
        raise DocumentError(
            f"“{name}” cannot be read: upload the {what} as a PDF, a Word file (.docx) or plain text,"
            " or paste it."
        )
    return check_text(text, what=what, source=f"“{name}”")


def read_document_file(path: Path, *, what: str = "job description") -> str:
    """:func:`read_document` for a file on disk."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path} cannot be read: {error.strerror}.") from error
    return read_document(data, path.name, what=what)


def check_text(text: str, *, what: str = "job description", source: str = "The text") -> str:
    """The text with its line ends made plain, if it can be used; else a message that says why not."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise EmptyDocumentError(f"{source} holds no words: paste or upload the {what}.")
    if len(text) > MAX_CHARACTERS:
        raise TooLongDocumentError(
            f"{source} is {len(text):,} characters long; a {what} is rarely over {MAX_CHARACTERS:,}."
            f" Paste only the {what} itself, without the rest of the page."
        )
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) >= _LANGUAGE_MIN_WORDS and english_share(words) < _ENGLISH_MIN_SHARE:
        raise OtherLanguageError(
            f"{source} does not read as English; rehearse reads {what}s in English only."
            " Paste an English version if the company has one."
        )
    return text


def english_share(words: list[str]) -> float:
    """The share of ``words`` (lower case) that are common English function words."""
    from spacy.lang.en.stop_words import STOP_WORDS  # the word list only; no model is loaded

    return sum(word in STOP_WORDS for word in words) / len(words) if words else 0.0


def _plain_text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise DamagedDocumentError(f"“{name}” is not plain text; upload it as a PDF or Word file, or paste it.")


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DamagedDocumentError(
            f"“{name}” cannot be read as a PDF: it is damaged or not a PDF. Save it again or paste the text."
        ) from error
    text = "\n".join(pages)
    if not text.strip():
        raise ScannedPdfError(
            f"“{name}” holds pictures of pages but no text (a scan), which rehearse cannot read."
            " Paste the text instead, or upload the original document."
        )
    return text


def _docx_text(data: bytes, name: str) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DamagedDocumentError(
            f"“{name}” cannot be opened as a Word file: it is damaged or not a .docx."
            " Save it again from Word, or paste the text."
        ) from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines)
