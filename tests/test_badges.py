"""Every badge a page promises in its prose exists in the page's quiz markup.

A sentence such as "answer them all correctly to earn the practice badge" is a promise; the
build turns a ``<!--quiz-badge: group "Title"-->`` marker into the hidden badge that quiz.js
shows once every quiz of the group is solved. A promise without its marker renders nothing
(issue 16 found three such pages). Here each promise must name a badge on the same page (by
its group or its title), the group must have quizzes, and a count in the promise ("all
three") must match them. ``tests/browser/test_badge_flows.py`` solves the quizzes and watches the
badge appear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from sitekit import built_site, html_pages

PROMISE_RE = re.compile(r"earn the (?P<name>[\w -]+?) badge", re.IGNORECASE)
COUNT_RE = re.compile(r"\ball (?P<count>two|three|four|five|six|seven|eight|nine|ten)\b", re.IGNORECASE)
NUMBERS = {w: n for n, w in enumerate("two three four five six seven eight nine ten".split(), start=2)}


@dataclass(frozen=True)
class Badge:
    group: str
    title: str
    hidden: bool
    quizzes: int


def _prose(soup) -> str:
    """The article's text outside quizzes and badges: where a page makes its promises."""
    article = soup.select_one("article") or soup
    for node in article.select(".quiz, .quiz-badge, .quiz-progress, pre, script"):
        node.decompose()
    return " ".join(article.get_text(" ").split())


def promises(page_html: str) -> list[tuple[str, int | None, str]]:
    """``(badge name, promised quiz count or None, sentence)`` for each promise in the prose."""
    text = _prose(BeautifulSoup(page_html, "html.parser"))
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for m in PROMISE_RE.finditer(sentence):
            count = COUNT_RE.search(sentence)
            found.append((m["name"].strip(), NUMBERS[count["count"].lower()] if count else None, sentence))
    return found


def badges(page_html: str) -> list[Badge]:
    soup = BeautifulSoup(page_html, "html.parser")
    out = []
    for badge in soup.select(".quiz-badge[data-group]"):
        group = badge["data-group"]
        title = badge.select_one(".quiz-badge-title")
        quizzes = len(soup.select(f'.quiz[data-quiz-id][data-group="{group}"]'))
        out.append(Badge(group, title.get_text(strip=True) if title else "", badge.has_attr("hidden"), quizzes))
    return out


def broken_promises(page_html: str) -> list[str]:
    """What is wrong with the page's badges, in words (empty when every promise is kept)."""
    problems, on_page = [], badges(page_html)
    for name, count, sentence in promises(page_html):
        match = [b for b in on_page if name.lower() in (b.group.lower(), b.title.lower())]
        if not match:
            problems.append(f'promises the "{name}" badge, which the page does not render: {sentence!r}')
            continue
        badge = match[0]
        if not badge.quizzes:
            problems.append(f'the "{name}" badge has no quizzes with data-group="{badge.group}"')
        if count is not None and count != badge.quizzes:
            problems.append(f'promises {count} questions for the "{name}" badge; the group has {badge.quizzes}')
        if not badge.hidden:
            problems.append(f'the "{name}" badge is visible before any question is answered')
    return problems


@pytest.fixture(scope="module")
def pages():
    with built_site() as site:
        yield {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in html_pages(site)}


def test_every_promised_badge_is_rendered(pages):
    promised = {name: promises(text) for name, text in pages.items()}
    assert sum(map(len, promised.values())) >= 4, f"expected the site's badge promises, found {promised}"
    problems = [f"{name}: {p}" for name, text in pages.items() for p in broken_promises(text)]
    assert not problems, "\n".join(problems)


def test_a_page_without_badges_has_no_progress_line(pages):
    """quiz.js fills a progress line only next to a badge; the renderer writes both together."""
    def has(text: str, css_class: str) -> bool:
        return re.search(rf'class="(?:[^"]*\s)?{css_class}(?:\s[^"]*)?"', text) is not None
    assert any(has(text, "quiz-badge") for text in pages.values()), "the site has no badge at all"
    stray = [name for name, text in pages.items() if has(text, "quiz-progress") and not has(text, "quiz-badge")]
    assert not stray, f"a progress line without a badge on {stray}"


# --------------------------------------------------------------------------- the measure itself

def page(prose: str, badge: str = "", quizzes: int = 2) -> str:
    quiz = '<div class="quiz" data-quiz-id="q{n}" data-group="practice"><h4>Q</h4></div>'
    return (f"<article><p>{prose}</p>" + "".join(quiz.format(n=n) for n in range(quizzes)) + badge
            + "</article>")


BADGE = ('<div class="quiz-badge" data-group="practice" role="status" hidden>'
         '<strong class="quiz-badge-title">Practice complete</strong></div>')


def test_a_promise_without_a_badge_is_found():
    problems = broken_promises(page("Answer both to earn the practice badge."))
    assert problems and "does not render" in problems[0]


def test_a_kept_promise_passes_by_group_or_title():
    assert broken_promises(page("Answer all two to earn the practice badge.", BADGE)) == []
    assert broken_promises(page("Earn the <strong>Practice complete</strong> badge.", BADGE)) == []


def test_a_wrong_count_and_a_visible_badge_are_found():
    assert "the group has 2" in broken_promises(page("Answer all three to earn the practice badge.", BADGE))[0]
    visible = BADGE.replace(" hidden>", ">")
    assert "visible before" in broken_promises(page("Earn the practice badge.", visible))[0]
