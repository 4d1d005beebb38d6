"""Prose statistics of every learner page, measured on the built site.

The writing rules (issue 16) are about what a reader reads, so they are measured on the
rendered article, not on the Markdown: code blocks, outputs, tables, quiz options and
headers, figures, collapsed outputs and the provenance line are not prose and are
removed, and so is a paragraph that is one bold phrase (a heading in disguise); an
inline ``code`` span stays as one word, since the reader reads it as one. A list item
without a full stop counts as one sentence.
Per page: at most 3,000 words, a mean sentence of at most 22 words, no sentence over 45.

``prose_stats(html) -> Stats`` is the one measure; other tests and helpers import it.
``pytest -s tests/test_prose.py`` prints a table (words, mean, longest) per page. The site
is ``$EXECDOCS_SITE`` when set, else ``site/`` when it is newer than ``docs/``, else a
one-off (non-strict) build into a temporary folder, as in ``tests/browser/conftest.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitekit import built_site

from execdocs.render.quiz_seal import unseal_quizzes

ROOT = Path(__file__).resolve().parents[1]
MAX_WORDS, MAX_MEAN, MAX_LONGEST = 3000, 22.0, 45
# Pages that are not lessons: the generated timing table, and the guide for authors.
NOT_LEARNER_PAGES = {"404.html", "execution-times.html", "authoring.html"}

NOT_PROSE = ", ".join([
    "pre", "table", "script", "style", "svg", "img", "figure figcaption", "button",
    "h1", "h2", "h3", "h4", "h5", "h6", "nav", "header", "footer",
    ".admonition-title", "summary",                                  # "Hint", "Solution" labels
    "details.example",                                               # collapsed outputs
    ".quiz-options", ".quiz-header", ".quiz-feedback", ".quiz-controls", ".quiz-badge",
    ".quiz-progress", ".exec-provenance", ".exec-output", ".headerlink", ".md-source-file",
    ".clipboard-copy-txt", ".jp-OutputArea", ".celltoolbar",  # notebook pages: copy text, outputs, tags
])
BLOCKS = ["p", "li", "dd", "dt", "blockquote", "div", "details", "td", "th", "br"]
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|Fig|fig|No)\.", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Stats:
    """What the writing rules bound: words of prose, mean and longest sentence (in words)."""
    words: int
    sentences: int
    longest: int
    longest_sentence: str

    @property
    def mean(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def prose_paragraphs(html: str) -> list[str]:
    """The article's prose, one string per block (paragraph, list item, ...); quiz solutions count
    as quiz.js shows them once the reader has answered (the served HTML holds them sealed)."""
    soup = BeautifulSoup(unseal_quizzes(html), "html.parser")
    article = soup.select_one("article") or soup.body or soup
    for node in article.select(NOT_PROSE):
        node.decompose()
    for label in article.find_all("p"):  # a paragraph that is one bold phrase is a heading in disguise
        strong = label.find("strong")
        if strong is not None and label.get_text(strip=True) == strong.get_text(strip=True):
            label.decompose()
    for code in article.find_all("code"):
        code.replace_with(" CODE ")  # an identifier reads as one word
    for block in article.find_all(BLOCKS):
        block.insert_before("\n\n")
        block.append("\n\n")
    text = article.get_text()
    return [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text) if WORD.search(chunk)]


def sentences(paragraph: str) -> list[str]:
    """Split at ., ! or ? followed by a capital or a digit; common abbreviations do not end one."""
    protected = ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), paragraph)
    parts = SENTENCE_END.split(protected)
    return [p.replace("\u2024", ".") for p in parts if WORD.search(p)]


def word_count(text: str) -> int:
    return sum(1 for token in text.split() if WORD.search(token))


def prose_stats(html: str) -> Stats:
    """The measure the writing rules use, on one rendered page."""
    found = [s for paragraph in prose_paragraphs(html) for s in sentences(paragraph)]
    counts = [word_count(s) for s in found]
    if not counts:
        return Stats(0, 0, 0, "")
    longest = max(range(len(counts)), key=counts.__getitem__)
    return Stats(sum(counts), len(counts), counts[longest], found[longest])


# --------------------------------------------------------------------------- the site

@pytest.fixture(scope="module")
def site():
    """The built site, found or built once by ``sitekit.built_site`` (the tests' one site finder)."""
    with built_site() as folder:
        yield folder


def learner_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*.html") if p.name not in NOT_LEARNER_PAGES)


def test_every_learner_page_keeps_to_the_writing_rules(site):
    pages = learner_pages(site)
    assert pages, f"no pages in {site}: build the site first (make site) or set EXECDOCS_SITE"
    stats = {p.name: prose_stats(p.read_text(encoding="utf-8")) for p in pages}
    print(f"\n{'page':<22} {'words':>6} {'sentences':>9} {'mean':>6} {'longest':>7}")
    for name, s in stats.items():
        print(f"{name:<22} {s.words:>6} {s.sentences:>9} {s.mean:>6.1f} {s.longest:>7}")
    broken = [f"{name}: {s.words} words (max {MAX_WORDS}), mean sentence {s.mean:.1f} (max {MAX_MEAN}), "
              f"longest {s.longest} (max {MAX_LONGEST}): {s.longest_sentence!r}"
              for name, s in stats.items()
              if s.words > MAX_WORDS or s.mean > MAX_MEAN or s.longest > MAX_LONGEST]
    assert not broken, "pages over the writing rules (split the page, shorten the sentences):\n" + "\n".join(broken)


# --------------------------------------------------------------------------- the measure itself

PAGE = """<html><body><nav><p>Home. Challenge. Experiment.</p></nav><article>
<h1>A title that is not prose</h1>
<p>One short sentence. A second one, e.g. with an abbreviation, is still one sentence!
Is 3.5 a number? Yes, and <code>nn.Conv2d(3, 6, 3)</code> is one word.</p>
<pre><code>print("code is not prose. Not at all.")</code></pre>
<p><strong>Constraints</strong></p>
<ul><li>A list item without a full stop</li><li>Another item</li></ul>
<table><tr><td>A table cell. Not prose.</td></tr></table>
<div class="quiz-options"><button>An option. Not prose.</button></div>
<details class="example"><summary>Run it</summary><pre>output</pre><p>Output text.</p></details>
<details class="tip"><summary>Hint</summary><p>Hints are prose.</p></details>
</article></body></html>"""


def test_prose_keeps_only_what_the_reader_reads_as_text():
    assert prose_paragraphs(PAGE) == [
        "One short sentence. A second one, e.g. with an abbreviation, is still one sentence! "
        "Is 3.5 a number? Yes, and CODE is one word.",
        "A list item without a full stop", "Another item", "Hints are prose."]


def test_sentences_split_at_ends_only():
    found = [s for p in prose_paragraphs(PAGE) for s in sentences(p)]
    assert found == ["One short sentence.", "A second one, e.g. with an abbreviation, is still one sentence!",
                     "Is 3.5 a number?", "Yes, and CODE is one word.",
                     "A list item without a full stop", "Another item", "Hints are prose."]


def test_stats_count_words_mean_and_longest():
    stats = prose_stats(PAGE)
    assert (stats.words, stats.sentences, stats.longest) == (36, 7, 11)
    assert stats.longest_sentence.startswith("A second one")
    assert stats.mean == pytest.approx(36 / 7)


def test_a_long_sentence_is_found():
    long = "<article><p>" + " ".join(["word"] * 50) + ". Short one.</p></article>"
    stats = prose_stats(long)
    assert stats.longest == 50 and stats.sentences == 2
