"""Every badge on every page works: hidden until each quiz of its group is solved, then shown.

``tests/test_badges.py`` checks that each badge a page promises is in its markup; this test
solves the quizzes the way a reader does (the right option is found from ``data-key``, as
quiz.js finds it) and watches quiz.js show the badge and count the progress.
"""
from __future__ import annotations

import pytest

from execdocs.render.quiz_html import key_hash

pytestmark = pytest.mark.browser


def groups_with_badges(page) -> list[str]:
    return page.evaluate("() => Array.from(document.querySelectorAll('.quiz-badge[data-group]'))"
                         ".map(b => b.dataset.group)")


def right_answers(page, group: str) -> list[tuple[str, str]]:
    rows = page.evaluate("""group => Array.from(document.querySelectorAll(`.quiz[data-group="${group}"]`))
        .map(q => [q.dataset.quizId, q.dataset.key,
                   Array.from(q.querySelectorAll('.quiz-option')).map(b => b.dataset.option)])""", group)
    answers = []
    for quiz_id, key, letters in rows:
        right = [letter for letter in letters if key_hash(quiz_id, letter) == key]
        assert len(right) == 1, f"{quiz_id}: data-key matches {right}"
        answers.append((quiz_id, right[0]))
    return answers


def test_every_badge_appears_once_its_group_is_solved(page, site_url, badge_page, bx):
    """Runs on each page whose markup has a badge (a page without one has no progress line
    either: ``tests/test_badges.py``)."""
    page_name = badge_page
    page.goto(site_url + page_name)
    bx.settle(page)
    groups = groups_with_badges(page)
    assert groups, f"{page_name}: the built page has a badge, the loaded one none"
    page.wait_for_function("() => document.querySelector('.quiz[data-quiz-ready]') !== null")
    for group in groups:
        badge = page.locator(f'.quiz-badge[data-group="{group}"]')
        answers = right_answers(page, group)
        assert answers, f"{page_name}: the {group} badge has no quizzes"
        assert badge.is_hidden(), f"{page_name}: the {group} badge shows before any answer"
        for quiz_id, letter in answers:
            assert badge.is_hidden(), f"{page_name}: the {group} badge shows before {quiz_id} is solved"
            page.locator(f'.quiz[data-quiz-id="{quiz_id}"] .quiz-option[data-option="{letter}"]').click()
        badge.wait_for(state="visible")
        progress = page.locator(f'.quiz-progress[data-group="{group}"]').inner_text()
        assert progress.startswith(f"{len(answers)} of {len(answers)}"), progress
