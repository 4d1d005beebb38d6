"""Hardening v2 (issue 28, case 2): no two pages share a record.

``docs/a/x.md`` and ``docs/a__x.md`` used to both write ``records/a__x.json``: each accept
overwrote the other and the drift hint looped forever.  Record names are now injective (a
decoder inverts them for arbitrary paths) and every existing page keeps its committed name.
"""
from __future__ import annotations

import random

from enginekit import ROOT, build, py, write_site

from execdocs.store.names import decode_name, record_name

PIECES = ("a", "_", "__", ".", "%", "-", "x", "snippets", "docs", "md", "py", "%2E", "..")


def random_page(rng: random.Random) -> str:
    """A page id: optional ``../``, one to three path parts made of awkward pieces."""
    parts = []
    for index in range(rng.randint(1, 3)):
        last = index == 2 or rng.random() < 0.4
        part = ""
        while part in ("", ".", "..") and not (last and part == ""):
            part = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4)))
        parts.append(part)
        if last:
            break
    return ("../" if rng.random() < 0.3 else "") + "/".join(parts)


def test_record_names_are_injective_for_any_two_paths():
    rng = random.Random(28)
    names: dict[str, str] = {}
    for _ in range(20000):
        page = random_page(rng)
        name = record_name(page)
        assert decode_name(name) == page, (page, name)
        assert names.setdefault(name, page) == page, f"{page!r} and {names[name]!r} share {name!r}"
        assert "/" not in name


def test_the_two_colliding_pages_get_different_names():
    assert record_name("a/x.md") != record_name("a__x.md")
    assert record_name("snippets/x.md") != record_name("../snippets/x.py")
    assert record_name("a.md") != record_name("a.ipynb")


def test_every_existing_page_keeps_its_committed_record_name():
    """The old mapping, for the real site: committed records must keep working unrenamed."""
    def old(page: str) -> str:
        return page.replace("../", "").replace("/", "__").rsplit(".", 1)[0]
    pages = [p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")]
    pages += [f"../snippets/{p.name}" for p in (ROOT / "snippets").glob("*.py")]
    assert pages
    assert {page: record_name(page) for page in pages} == {page: old(page) for page in pages}
    notebooks = [p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.ipynb")]
    committed = {p.stem for p in (ROOT / "records").glob("*.json")} - {"durations"}
    assert committed <= {record_name(page) for page in pages + notebooks}  # notebooks: new, named injectively


def test_two_pages_that_used_to_share_a_record_are_accepted_apart(tmp_path):
    settings = write_site(tmp_path, {"a/x.md": "# X\n\n" + py("print('nested')"),
                                     "a__x.md": "# Y\n\n" + py("print('flat')")})
    assert build(settings, accept=True).problems == []
    records = sorted(p.name for p in settings.records_dir.glob("*.json") if p.name != "durations.json")
    assert len(records) == 2, records
    session = build(settings)
    assert session.problems == [], [p.detail for p in session.problems]
