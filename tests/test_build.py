"""Build: plan → execute → check (pure) → accept (the only writer of records); chain order; Page identity."""
from __future__ import annotations

from enginekit import py, write_site
from execdocs.build import Build, longest_first
from execdocs.model import Page, page_identity
from execdocs.parse.page import chains, parse_page


def test_a_page_knows_its_kind_and_published_url():
    assert page_identity("experiment.md") == ("page", "experiment.html")
    assert page_identity("sub/a.md") == ("page", "sub/a.html")
    snippet = Page("../snippets/prove_it.py", "")
    assert (snippet.kind, snippet.url, snippet.label) == ("snippet", "notebooks/prove_it.html", "snippets/prove_it.py")


def test_chains_run_longest_recorded_first():
    """The 17-s chain must not start after thirty short ones: recorded seconds order the run,
    ties by id as in the shard planner; a chain never timed counts as the median."""
    page = py("print(1)") + py("x = 2", "<!--pytest-codeblocks:cont-->") + py("print(3)") + py("print(4)")
    one, two, three = chains(parse_page(page, "p.md"))
    assert len(one.blocks) == 2  # most blocks: first under the old rule
    durations = {one.id: 0.5, two.id: 17.0, three.id: 2.0}
    assert longest_first([one, two, three], durations) == [two, three, one]
    known = {two.id: 1.0, three.id: 9.0, "elsewhere": 4.0}
    assert longest_first([one, two, three], known) == [three, one, two]  # one never timed: the median, 4 s


def test_check_writes_nothing_and_accept_writes_the_records(tmp_path):
    settings = write_site(tmp_path, {"a.md": py("print('a')"), "b.md": py("raise ValueError('b')")})
    settings.accept = True
    build = Build(settings, lambda _m: None)
    build.plan()
    build.execute()
    build.check()
    assert not settings.records_dir.exists()  # checking is pure
    assert [p.page for p in build.problems] == ["b.md"]
    build.accept()
    assert sorted(p.name for p in settings.records_dir.glob("*.json")) == ["a.json", "durations.json"]
