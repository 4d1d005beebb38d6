"""Reading a page or snippet from disk: bytes that are not UTF-8 are the author's problem at page:line.

Why not ``Path.read_text``: it raises ``UnicodeDecodeError`` naming neither the page nor the
line, and that one exception used to abort the whole build before any other page was checked.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import ExecDocsError


class UnreadablePage(ExecDocsError):
    """A page or snippet that is not UTF-8 text (MkDocs reads pages as UTF-8 too)."""

    title = "unreadable page"


def unreadable(page) -> bool:
    """True for a page that could not be read (MkDocs must not try to read it either)."""
    return any(isinstance(err, UnreadablePage) for err in page.errors)


def read_source(path: Path, name: str) -> tuple[str, UnreadablePage | None]:
    """The file's text, and an error at the line of its first byte that is not UTF-8 (or None).

    With an error the text is decoded with replacement characters, so the rest of the build
    (and the error's own message) can still refer to the page."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        message = (f"the file is not UTF-8 text: byte 0x{byte:02x} on line {line} cannot be decoded "
                   f"({err.reason}); save the file as UTF-8 (in most editors: 'Save with encoding')")
        return data.decode("utf-8", "replace"), UnreadablePage(name, line, message)
