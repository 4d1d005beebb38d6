"""Record names: one file name under ``records/`` per page, and never the same one for two pages.

Why: the name used to be the path with ``/`` replaced by ``__``, so ``docs/a/x.md`` and
``docs/a__x.md`` both wrote ``records/a__x.json``; each ``make accept`` overwrote the other page's
outputs and the drift hint sent the author round in circles.  The encoding below is injective
(``decode_name`` inverts it, and a test checks both on arbitrary paths), while every name that
was unambiguous before (no ``__`` run, no leading or trailing ``_``, no ``.`` or ``%`` in a
stem, ``.md`` pages and ``../snippets/*.py``) keeps exactly the name its committed record has.
"""
from __future__ import annotations

SEP = "__"
OUTSIDE = "../"  # page ids of snippets start with it (they live beside docs/, not in it)
DOCS_PREFIX = "docs"  # marks a docs page whose first folder would read as an outside page
UP = "%2E%2E"  # an outside page that is not under ../snippets/


def _quote(part: str) -> str:
    """Escape what the joined name gives a meaning to: ``%`` always, ``.`` (the extension mark)
    always, ``_`` only where it could merge with a separator (so ``pipeline_training`` stays)."""
    text = part.replace("%", "%25").replace(".", "%2E")
    if SEP in text or text.startswith("_") or text.endswith("_"):
        text = text.replace("_", "%5F")
    return text


def _unquote(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "%":
            out.append(chr(int(text[i + 1:i + 3], 16)))
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def record_name(page: str) -> str:
    """The file stem of a page's record (``records/<stem>.json``, ``records/figures/<stem>/``)."""
    outside = page.startswith(OUTSIDE)
    parts = page.removeprefix(OUTSIDE).split("/")
    stem, dot, suffix = parts[-1].rpartition(".")
    ext: str | None = suffix if dot else None
    if not dot:
        stem = parts[-1]
    default = "py" if outside else "md"
    folders = [_quote(part) for part in parts[:-1]]
    if outside and (len(parts) == 1 or parts[0] != "snippets"):
        folders.insert(0, UP)
    elif not outside and len(parts) > 1 and parts[0] in ("snippets", DOCS_PREFIX):
        folders.insert(0, DOCS_PREFIX)
    name = SEP.join([*folders, _quote(stem)])
    if ext is None:
        return name + "%"  # a file without an extension: a lone '%' never occurs otherwise
    return name if ext == default else f"{name}.{_quote(ext)}"


def decode_name(name: str) -> str:
    """The page id ``record_name`` was given (the proof that no two pages share a record)."""
    bare = name.endswith("%")  # a quoted '%' is always followed by two hex digits
    if bare:
        body, dot, ext = name[:-1], "", None
    else:
        body, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        ext = suffix
    parts = body.split(SEP)
    outside = len(parts) > 1 and parts[0] in ("snippets", UP)
    if len(parts) > 1 and parts[0] in (UP, DOCS_PREFIX):
        parts = parts[1:]
    default = "py" if outside else "md"
    tail = "" if ext is None else "." + (_unquote(ext) if dot else default)
    page = "/".join(_unquote(part) for part in parts) + tail
    return OUTSIDE + page if outside else page
