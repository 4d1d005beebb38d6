"""Quizzes in the browser, by mouse and by keyboard: feedback, attempts, hint, solution,
the challenge badge, and progress kept in localStorage across a reload.

The right answers are found the way quiz.js finds them: the quiz carries
``data-key = fnv1a32("quiz-id:LETTER")``, so Python tries each option's letter.
"""
from __future__ import annotations

import pytest

from execdocs.render.quiz_html import key_hash

pytestmark = pytest.mark.browser


def open_page(page, site_url, name, bx):
    page.goto(site_url + name)
    bx.settle(page)
    page.wait_for_function("() => document.querySelector('.quiz[data-quiz-ready]') !== null")


def quizzes(page, group=None):
    """[(quiz id, right letter, [letters])] for the quizzes on the page, from data-key."""
    sel = f'.quiz[data-group="{group}"]' if group else ".quiz[data-quiz-id]"
    rows = page.evaluate(f"""() => Array.from(document.querySelectorAll('{sel}')).map(q => [
        q.dataset.quizId, q.dataset.key, q.dataset.check || 'none',
        Array.from(q.querySelectorAll('.quiz-option')).map(b => b.dataset.option)])""")
    out = []
    for quiz_id, key, check, letters in rows:
        right = [letter for letter in letters if key_hash(quiz_id, letter) == key]
        assert len(right) == 1, f"{quiz_id}: data-key {key} matches options {right} of {letters}"
        out.append((quiz_id, right[0], letters, check))
    return out


def quiz(page, quiz_id):
    return page.locator(f'.quiz[data-quiz-id="{quiz_id}"]')


def option(page, quiz_id, letter):
    return quiz(page, quiz_id).locator(f'.quiz-option[data-option="{letter}"]')


def attempts_left(page, quiz_id) -> int:
    return int(quiz(page, quiz_id).locator(".quiz-attempts-left").inner_text())


def feedback(page, quiz_id) -> str:
    return quiz(page, quiz_id).locator(".quiz-feedback").inner_text()


def first_challenge(page):
    found = quizzes(page, "challenge")
    assert found, "challenge.html has no quiz with data-group=challenge"
    return found[0]


def test_every_quiz_has_exactly_one_matching_key(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    assert len(quizzes(page)) >= 10  # five challenge problems + five practice questions


def test_wrong_then_right(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    quiz_id, right, letters, _ = first_challenge(page)
    wrong = next(letter for letter in letters if letter != right)
    before = attempts_left(page, quiz_id)
    option(page, quiz_id, wrong).click()
    assert "Not quite" in feedback(page, quiz_id)
    assert attempts_left(page, quiz_id) == before - 1
    assert "quiz-wrong" in option(page, quiz_id, wrong).get_attribute("class")
    assert option(page, quiz_id, wrong).is_disabled()
    option(page, quiz_id, right).click()
    assert feedback(page, quiz_id).startswith("Correct!")
    assert "quiz-solved" in quiz(page, quiz_id).get_attribute("class")
    assert "quiz-right" in option(page, quiz_id, right).get_attribute("class")


def test_attempts_run_out_and_show_the_answer(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    quiz_id, right, letters, _ = first_challenge(page)
    attempts = int(quiz(page, quiz_id).get_attribute("data-attempts") or 2)
    for letter in [x for x in letters if x != right][:attempts]:
        option(page, quiz_id, letter).click()
    assert attempts_left(page, quiz_id) == 0
    assert "No attempts left" in feedback(page, quiz_id)
    assert quiz(page, quiz_id).locator("details.success").get_attribute("open") is not None


def test_hint_opens(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    quiz_id, *_ = first_challenge(page)
    hint = quiz(page, quiz_id).locator("details.tip").first
    assert hint.get_attribute("open") is None
    hint.locator("summary").click()
    assert hint.get_attribute("open") is not None
    assert hint.inner_text().strip() != "Hint"


def test_solution_can_be_revealed(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    quiz_id, right, _, _ = first_challenge(page)
    solution = quiz(page, quiz_id).locator("details.success").first
    assert solution.get_attribute("open") is None
    quiz(page, quiz_id).locator(".quiz-reveal").click()
    assert solution.get_attribute("open") is not None
    assert solution.is_visible()
    text = feedback(page, quiz_id)
    assert "Solution revealed" in text and f"answer is {right}" in text
    assert option(page, quiz_id, right).is_disabled()


def test_keyboard_only(page, site_url, bx):
    """Tab to the right option and press Enter; no mouse involved."""
    open_page(page, site_url, "challenge.html", bx)
    quiz_id, right, _, _ = quizzes(page, "challenge")[-1]
    # Start from the quiz's heading area: focus the quiz element itself, then Tab forwards.
    quiz(page, quiz_id).evaluate("q => { q.tabIndex = -1; q.focus(); }")
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("""(id) => { const a = document.activeElement;
            return a && a.closest('.quiz') && a.closest('.quiz').dataset.quizId === id
                ? (a.dataset.option || a.className) : null; }""", quiz_id)
        if focused == right:
            break
    else:
        pytest.fail(f"Tab never reached option {right} of {quiz_id}")
    visible = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert visible != "none", "the focused option has no visible focus outline"
    page.keyboard.press("Enter")
    assert feedback(page, quiz_id).startswith("Correct!")


def test_badge_when_all_challenge_quizzes_solved(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    badge = page.locator('.quiz-badge[data-group="challenge"]')
    assert badge.count() == 1, "challenge.html has no challenge badge"
    found = quizzes(page, "challenge")
    assert len(found) == 5, f"expected five challenge problems, found {[q[0] for q in found]}"
    for quiz_id, right, _, _ in found[:-1]:
        option(page, quiz_id, right).click()
    assert badge.is_hidden()
    quiz_id, right, _, _ = found[-1]
    option(page, quiz_id, right).click()
    badge.wait_for(state="visible")
    progress = page.locator('.quiz-progress[data-group="challenge"]').inner_text()
    assert progress.startswith("5 of 5"), progress


def test_progress_survives_reload(page, site_url, bx):
    open_page(page, site_url, "challenge.html", bx)
    (solved_id, right, _, _), (tried_id, right2, letters2, _) = quizzes(page, "challenge")[:2]
    option(page, solved_id, right).click()
    wrong = next(letter for letter in letters2 if letter != right2)
    option(page, tried_id, wrong).click()
    page.reload()
    bx.settle(page)
    page.wait_for_function("() => document.querySelector('.quiz[data-quiz-ready]') !== null")
    assert "quiz-solved" in quiz(page, solved_id).get_attribute("class")
    assert feedback(page, solved_id).startswith("Correct!")
    assert attempts_left(page, tried_id) == int(quiz(page, tried_id).get_attribute("data-attempts") or 2) - 1
    assert "quiz-wrong" in option(page, tried_id, wrong).get_attribute("class")


def test_runs_quiz_on_purpose_page(page, site_url, bx):
    """The architecture question whose options each hold their own code block."""
    open_page(page, site_url, "purpose.html", bx)
    runs = [q for q in quizzes(page) if q[3] == "runs"]
    assert runs, "purpose.html has no data-check=runs quiz"
    quiz_id, right, letters, _ = runs[0]
    cards = quiz(page, quiz_id).locator(".quiz-options-runs li")
    assert cards.count() == len(letters)
    assert quiz(page, quiz_id).locator(".quiz-options-runs li pre").count() >= len(letters), \
        "each option of a runs quiz shows its code"
    wrong = next(letter for letter in letters if letter != right)
    before = attempts_left(page, quiz_id)
    option(page, quiz_id, wrong).click()
    assert "Not quite" in feedback(page, quiz_id)
    assert attempts_left(page, quiz_id) == before - 1
    option(page, quiz_id, right).click()
    assert feedback(page, quiz_id).startswith("Correct!")


def test_runs_quiz_outputs_wait_for_an_answer(page, site_url, bx):
    """Each option's real result (output or exception) is hidden until the quiz is answered."""
    open_page(page, site_url, "purpose.html", bx)
    quiz_id, right, letters, _ = next(q for q in quizzes(page) if q[3] == "runs")
    results = quiz(page, quiz_id).locator(".quiz-options-runs .exec-output, .quiz-options-runs .exec-exception")
    assert results.count() == 0, "an option's result is in the page before the reader answered"
    sealed = quiz(page, quiz_id).locator(".quiz-options-runs .quiz-sealed-output")
    assert sealed.count() == len(letters), "every option of a runs quiz has a sealed executed result"
    pending = quiz(page, quiz_id).locator(".quiz-pending")
    assert pending.count() == len(letters) and pending.first.is_visible()
    option(page, quiz_id, right).click()
    assert results.count() == len(letters) and sealed.count() == 0
    assert all(results.nth(i).is_visible() for i in range(results.count()))
    assert not pending.first.is_visible()
    labels = quiz(page, quiz_id).locator(".exec-exception").all_inner_texts()
    assert labels and all(text.startswith("Raises ") and "as intended" not in text for text in labels), labels


def test_opening_the_solution_reveals_it_and_the_output(page, site_url, bx):
    """An output question's spoiler appears only once the Solution is opened, which counts as revealing."""
    open_page(page, site_url, "purpose.html", bx)
    quiz_id, right, _, _ = next(q for q in quizzes(page) if q[3] == "output")
    spoiler = quiz(page, quiz_id).locator("details.example").first
    assert not spoiler.is_visible(), "the output spoiler is visible before the reader answered"
    quiz(page, quiz_id).locator("details.success > summary").first.click()
    page.wait_for_function(f"""() => document.querySelector('.quiz[data-quiz-id="{quiz_id}"]')
                               .classList.contains('quiz-done')""")
    assert "Solution revealed" in feedback(page, quiz_id) and f"answer is {right}" in feedback(page, quiz_id)
    assert spoiler.is_visible()
    assert option(page, quiz_id, right).is_disabled()
