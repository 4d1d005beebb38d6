"""Quizzes by keyboard only, and answers kept out of the page source (issue 29).

- After an answer (or Reveal solution) the pressed button is disabled, which would drop focus
  to <body>: focus must land on the quiz's feedback (a polite live region) and stay there.
- A right answer says why: the worked solution opens (decoded), its one-line reason is in the
  feedback, and "Reveal solution" is no longer offered.
- The served HTML holds no solution, no held-back output and no "Final answer" line; without
  JavaScript the opened Solution says honestly where the answer is instead.
"""
from __future__ import annotations

import re

import pytest

from execdocs.render.quiz_html import key_hash
from execdocs.render.quiz_seal import encode

pytestmark = pytest.mark.browser

PAGE = "convolution.html"
QUIZ = "conv-channels"
ACTIVE = """() => { const a = document.activeElement, q = a && a.closest('.quiz');
    return {tag: a.tagName, cls: a.className, option: a.dataset.option || null,
            quiz: q ? q.dataset.quizId : null, live: a.getAttribute('aria-live')}; }"""


def open_quizzes(page, site_url, bx, name=PAGE):
    page.goto(site_url + name)
    bx.settle(page)
    page.wait_for_function("() => document.querySelector('.quiz[data-quiz-ready]') !== null")


def letters(page, quiz_id):
    q = page.locator(f'.quiz[data-quiz-id="{quiz_id}"]')
    key = q.get_attribute("data-key")
    found = q.locator(".quiz-option").evaluate_all("bs => bs.map(b => b.dataset.option)")
    return next(x for x in found if key_hash(quiz_id, x) == key), found


def tab_to(page, quiz_id, want) -> None:
    """From the quiz's top, press Tab until ``want(active)`` holds (keyboard only)."""
    page.locator(f'.quiz[data-quiz-id="{quiz_id}"]').evaluate("q => { q.tabIndex = -1; q.focus(); }")
    for _ in range(60):
        page.keyboard.press("Tab")
        if want(page.evaluate(ACTIVE)):
            return
    pytest.fail(f"Tab never reached the wanted control of {quiz_id}")


def assert_focus_on_feedback(page, quiz_id) -> None:
    for wait in (0, 600):  # lands there, and is still there once the solution's toggle events ran
        page.wait_for_timeout(wait)
        active = page.evaluate(ACTIVE)
        assert active["quiz"] == quiz_id and "quiz-feedback" in active["cls"], \
            f"after answering, focus is on {active['tag']}.{active['cls']}, not the feedback"
        assert active["live"] == "polite"


def test_keyboard_answers_keep_focus_on_the_feedback_and_a_right_one_says_why(page, site_url, bx):
    open_quizzes(page, site_url, bx)
    right, found = letters(page, QUIZ)
    wrong = next(x for x in found if x != right)
    q = page.locator(f'.quiz[data-quiz-id="{QUIZ}"]')
    tab_to(page, QUIZ, lambda a: a["quiz"] == QUIZ and a["option"] == wrong)
    page.keyboard.press("Space")
    assert_focus_on_feedback(page, QUIZ)
    assert q.locator(".quiz-feedback").inner_text().startswith("Not quite")
    tab_to(page, QUIZ, lambda a: a["quiz"] == QUIZ and a["option"] == right)
    page.keyboard.press("Enter")
    assert_focus_on_feedback(page, QUIZ)
    text = q.locator(".quiz-feedback").inner_text()
    assert text.startswith(f"Correct! {right} is right.") and "Quick check:" in text and "solution is open" in text
    solution = q.locator("details.success")
    assert solution.get_attribute("open") is not None and solution.is_visible()
    assert "Final answer:" in solution.inner_text() and not q.locator(".quiz-sealed").count()
    assert q.locator(".quiz-reveal").is_hidden(), "Reveal solution is still offered after a right answer"


def test_reveal_by_keyboard_moves_focus_to_the_feedback(page, site_url, bx):
    open_quizzes(page, site_url, bx)
    tab_to(page, QUIZ, lambda a: a["quiz"] == QUIZ and "quiz-reveal" in a["cls"])
    page.keyboard.press("Enter")
    assert_focus_on_feedback(page, QUIZ)
    q = page.locator(f'.quiz[data-quiz-id="{QUIZ}"]')
    assert "Solution revealed" in q.locator(".quiz-feedback").inner_text()
    assert "Final answer:" in q.locator("details.success").inner_text()
    assert q.locator(".quiz-reveal").is_hidden()


def test_the_served_html_holds_no_answer(page, site_url, bx, site_dir):
    """view-source of every quiz page: no Final answer / Quick check line, nothing inside a
    Solution or spoiler but the sealed note, and the page's decoder agrees with the build's."""
    pages = [p for p in sorted(site_dir.glob("*.html")) if 'class="quiz"' in p.read_text(encoding="utf-8")]
    assert len(pages) >= 6
    for path in pages:
        served = page.request.get(site_url + path.name).text()
        assert not re.search(r"Final answer:|Quick check:", served), f"{path.name}: an answer line is in the source"
        for body in re.findall(r'<details class="(?:success|example)">\s*<summary>[^<]*</summary>(.*?)</details>',
                               served, re.S):
            assert body.startswith('<div class="quiz-sealed'), f"{path.name}: unsealed solution {body[:80]!r}"
    open_quizzes(page, site_url, bx)
    sample = "<p>Ünïcode → C, <code>1 11.5</code></p>"
    assert page.evaluate("([id, s]) => window.execdocsSeal.decode(id, s)", [QUIZ, encode(QUIZ, sample)]) == sample


def test_without_javascript_the_solution_says_where_the_answer_is(browser, site_url, bx):
    context = browser.new_context(java_script_enabled=False, viewport=bx.DESKTOP)
    try:
        page = context.new_page()
        page.goto(site_url + PAGE)
        q = page.locator(f'.quiz[data-quiz-id="{QUIZ}"]')
        for summary in q.locator("details.success > summary, details.example > summary").all():
            summary.click()
        text = q.inner_text()
        assert "Final answer" not in text and q.locator(".exec-output").count() == 0
        note = q.locator("details.success .quiz-sealed-note")
        assert note.is_visible() and "JavaScript" in note.inner_text() and "notebook" in note.inner_text()
        assert q.locator("details.example .quiz-sealed-note").is_visible()
    finally:
        context.close()
