"""Sealing quiz answers in a page's HTML (execdocs.render.quiz_seal, issue 29).

The solution and the held-back output keep their <summary> and lose their body to a placeholder
whose payload decodes back to exactly what was there; a runs question's option results are sealed
whole; nothing outside a quiz changes, and unsealing restores the page byte for byte.
"""
from __future__ import annotations

import re

import pytest

from execdocs.render.quiz_seal import NOTES, decode, encode, seal_quizzes, unseal_quizzes

SOLUTION = ('<p><strong>Final answer:</strong> option C, <code>1 11.5</code>.</p>\n'
            '<details class="note"><summary>More</summary><p>Nested.</p></details>')
SPOILER = ('<div class="language-text highlight exec-output"><span class="filename">Output</span>'
           '<pre><code>1 11.5\n</code></pre></div>')
PAGE = f"""<h1>Page</h1>
<div class="exec-output"><pre><code>outside any quiz: stays</code></pre></div>
<div class="quiz" data-quiz-id="q1" data-key="0badc0de">
<h4 data-search-exclude>Question</h4>
<details class="example"><summary>Run it: the real output (spoiler)</summary>{SPOILER}</details>
<div class="quiz-options" role="group"><button class="quiz-option" data-option="A">A</button></div>
<details class="tip"><summary>Hint</summary><p>Think.</p></details>
<details class="success"><summary>Solution</summary>{SOLUTION}</details>
</div>
<div class="quiz" data-quiz-id="runs" data-key="12345678">
<div class="quiz-options quiz-options-runs"><ul><li><p>A <button>Choose A</button></p>
<div class="highlight"><pre><code>raise RuntimeError</code></pre></div>
<div class="text exec-exception highlight"><span class="filename">Raises RuntimeError</span>
<pre><code>RuntimeError: no</code></pre></div>
</li></ul></div>
</div>
<p>After.</p>"""


def payloads(html: str) -> list[str]:
    return re.findall(r'data-sealed="([^"]*)"', html)


def test_roundtrip_of_any_text():
    text = "Ünïcode → C <b>&amp;</b>\n" * 20
    assert decode("quiz-id", encode("quiz-id", text)) == text
    assert encode("a", text) != encode("b", text)  # the keystream depends on the quiz


def test_solution_spoiler_and_runs_results_are_sealed():
    sealed = seal_quizzes(PAGE)
    assert "Final answer" not in sealed and "1 11.5" not in sealed and "RuntimeError: no" not in sealed
    assert "<summary>Solution</summary>" in sealed and "<summary>Run it: the real output (spoiler)</summary>" in sealed
    assert "<p>Think.</p>" in sealed, "the hint is not an answer: it stays"
    assert "outside any quiz: stays" in sealed and "<p>After.</p>" in sealed
    assert "raise RuntimeError" in sealed, "a runs option's code is the question: it stays"
    assert sealed.count(NOTES["success"]) == 1 and sealed.count(NOTES["example"]) == 1
    assert sealed.count('class="quiz-sealed quiz-sealed-output"') == 1
    assert decode("q1", payloads(sealed)[0]) == SPOILER
    assert decode("q1", payloads(sealed)[1]) == SOLUTION  # nested <details> sealed with its parent


def test_unseal_restores_the_page_exactly():
    assert unseal_quizzes(seal_quizzes(PAGE)) == PAGE
    assert seal_quizzes("<p>no quiz</p>") == "<p>no quiz</p>"


def test_sealing_a_page_rendered_by_markdown():
    markdown = pytest.importorskip("markdown")
    pytest.importorskip("pymdownx")
    source = ('<div class="quiz" data-quiz-id="m" markdown>\n\n#### Q\n\n??? success "Solution"\n'
              '    **Final answer:** option B.\n\n    ```python\n    print("<details>")\n    ```\n\n</div>\n')
    html = markdown.markdown(source, extensions=["admonition", "pymdownx.details", "pymdownx.superfences",
                                                 "md_in_html", "attr_list"])
    sealed = seal_quizzes(html)
    assert "Final answer" not in sealed and "&lt;details&gt;" not in sealed and "<summary>Solution</summary>" in sealed
    assert unseal_quizzes(sealed) == html
