"""The site's search never gives an answer away.

Material builds ``search/search_index.json`` from every page's HTML. A quiz's hint, its
solution (with the "Final answer" and "Quick check" lines) and the executed outputs that
quiz.js holds back until the reader answers must not be in it, or searching "final answer"
shows the key of a question the reader has not answered yet. The texts to look for are read
from the quiz regions of the built pages themselves, so every quiz on every page is covered
without a list; ordinary prose must still be indexed, so a test that excluded everything
would fail too.
"""
from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitekit import built_site, html_pages

from execdocs.render.quiz_seal import unseal_quizzes

HELD_OUTPUTS = ".exec-output, .exec-exception, .exec-stderr"
QUIZ_TAG = re.compile(r'<div [^>]*class="quiz"[^>]*data-quiz-id=')  # a rendered quiz, not an example in code
ANSWER_LINES = ("Final answer:", "Quick check:")
MIN_CHARS = 16  # shorter snippets ("→A", "16") are not distinctive enough to look for


def normalize(text: str) -> str:
    """Index text and page text compared alike: no tags, no entities, no whitespace at all.

    Whitespace goes because the index and BeautifulSoup put spaces around inline tags (links,
    code) differently; what is left still identifies a sentence.
    """
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def readable(node) -> str:
    return " ".join(node.get_text(" ").split())


def _texts(node) -> list[str]:
    """The paragraphs, list items and code blocks inside ``node``, each as one string."""
    parts = node.find_all(["p", "li", "pre"]) or [node]
    return [readable(part) for part in parts]


def secrets(page_html: str) -> dict[str, list[str]]:
    """What each quiz on the page keeps from a reader who has not answered yet.

    Keys: ``hint``, ``solution`` (which holds the final-answer and quick-check lines) and
    ``held output`` (an output under the question's code, outside Hint and Solution).
    """
    soup = BeautifulSoup(unseal_quizzes(page_html), "html.parser")  # as quiz.js shows it once done
    found: dict[str, list[str]] = defaultdict(list)
    for quiz in soup.select(".quiz[data-quiz-id]"):
        for hint in quiz.select("details.tip"):
            hint.summary and hint.summary.decompose()
            found["hint"] += _texts(hint)
        for solution in quiz.select("details.success"):
            solution.summary and solution.summary.decompose()
            found["solution"] += _texts(solution)
        for output in quiz.select(HELD_OUTPUTS):
            if output.find_parent("details") is None:
                found["held output"].append(readable(output))
    return {kind: [t for t in texts if len(normalize(t)) >= MIN_CHARS] for kind, texts in found.items()}


def first_prose(page_html: str) -> str | None:
    """The page's first ordinary paragraph: outside quizzes, admonitions and outputs."""
    soup = BeautifulSoup(page_html, "html.parser")
    article = soup.select_one("article") or soup
    for p in article.find_all("p"):
        if p.find_parent(class_=re.compile(r"^(quiz|admonition|exec-|md-source)")) or p.find_parent("details"):
            continue
        if len(p.get_text().split()) >= 8:
            return normalize(p.get_text(" "))
    return None


def index_by_page(site: Path) -> dict[str, str]:
    """All indexed text of each page (``challenge.html``), joined over its sections."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    pages: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        pages[doc["location"].split("#")[0]].append(normalize(doc.get("title", "") + " " + doc.get("text", "")))
    return {page: " ".join(texts) for page, texts in pages.items()}


@pytest.fixture(scope="module")
def site():
    with built_site() as folder:
        yield folder


@pytest.fixture(scope="module")
def index(site):
    return index_by_page(site)


def quiz_pages(site: Path) -> dict[str, str]:
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in html_pages(site)}
    return {name: text for name, text in pages.items() if QUIZ_TAG.search(text)}


def test_no_hint_solution_or_held_output_is_indexed(site, index):
    pages = quiz_pages(site)
    assert len(pages) >= 4, f"expected the quiz pages (challenge, purpose, metrics, pipeline), found {sorted(pages)}"
    leaks, looked = [], 0
    for name, page_html in pages.items():
        found = secrets(page_html)
        assert found.get("hint") and found.get("solution"), f"{name}: no hint or solution text found to look for"
        indexed = index.get(name, "")
        for kind, texts in found.items():
            looked += len(texts)
            leaks += [f"{name}: {kind}: {text[:80]!r}" for text in texts if normalize(text) in indexed]
    assert looked > 100, f"only {looked} texts looked for: the quiz markup changed?"
    assert not leaks, f"{len(leaks)} answer texts are in search/search_index.json:\n" + "\n".join(leaks[:20])


def test_no_final_answer_or_quick_check_line_is_indexed(index):
    hits = [f"{page}: {marker}" for page, text in index.items() for marker in ANSWER_LINES
            if normalize(marker) in text]
    assert not hits, "answer lines in the search index:\n" + "\n".join(hits)


def test_ordinary_prose_is_indexed(site, index):
    """The exclusion is narrow: each quiz page's opening prose can still be found."""
    for name, page_html in quiz_pages(site).items():
        prose = first_prose(page_html)
        assert prose, f"{name}: no ordinary paragraph found"
        assert prose in index.get(name, ""), f"{name}: prose missing from the search index: {prose[:100]!r}"


def test_about_sources_is_not_indexed(index):
    """About the sources names the source's answer keys ("the answer is C"): its front matter
    (``search: exclude: true``, Material's page-level switch) keeps the whole page out."""
    assert index, "the search index is empty"
    assert "about-sources.html" not in index, "about-sources.html is in search/search_index.json"


# --------------------------------------------------------------------------- the measure itself

QUIZ_PAGE = """<article><p>Ordinary prose that anyone may search for freely.</p>
<div class="quiz" data-quiz-id="q"><h4>Which one?</h4>
<div class="highlight"><pre><code>print("a long held back output line")</code></pre></div>
<div class="exec-output"><pre>the held back output of this question</pre></div>
<details class="tip"><summary>Hint</summary><p>Think about what the window can see here.</p></details>
<details class="success"><summary>Solution</summary><p>The reason is the sliding window.</p>
<p><strong>Final answer:</strong> option A, the sliding window.</p>
<div class="exec-output"><pre>evidence printed in the solution text</pre></div></details>
</div></article>"""


def test_secrets_are_read_from_the_quiz_regions():
    found = secrets(QUIZ_PAGE)
    assert found["hint"] == ["Think about what the window can see here."]
    assert "Final answer: option A, the sliding window." in found["solution"]
    assert "evidence printed in the solution text" in found["solution"]
    assert found["held output"] == ["the held back output of this question"]
    assert first_prose(QUIZ_PAGE) == normalize("Ordinary prose that anyone may search for freely.")


def test_a_leak_would_be_found(tmp_path):
    (tmp_path / "search").mkdir()
    entry = {"location": "p.html#q", "title": "Which one?", "text": "<p>Think about what the window can see here.</p>"}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"docs": [entry]}))
    assert normalize("Think about what the window can see here.") in index_by_page(tmp_path)["p.html"]
