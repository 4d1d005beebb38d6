"""Every code question on the real pages: moving its key to a wrong option fails the build.

The results come from one build of the real pages (cache hits after `make site`); each
mutation only moves a ``- [x]`` mark, exactly what an author marking a wrong option as
correct would do, so line numbers (and therefore the results) stay valid.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from enginekit import ROOT, build
from execdocs.check.quiz_keys import verify
from execdocs.errors import QuizError
from execdocs.parse.page import parse
from execdocs.settings import Settings

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def real_results():
    """(page -> markdown, every block's result by ``Block.key``) for every page of the site."""
    settings = Settings(docs_dir=DOCS, project_root=ROOT, records_dir=ROOT / "records",
                        cache_dir=ROOT / ".cache" / "execdocs", jobs=2)
    session = build(settings)
    assert not [p for p in session.problems if "quiz" in p.detail], "the real pages' keys must pass"
    return {name: page.markdown for name, page in session.pages.items()}, session.results


def code_questions() -> list[tuple[str, str, str]]:
    """(page, quiz id, wrong letter) for every wrong option of every executed question."""
    cases = []
    for path in sorted(DOCS.glob("*.md")):
        for quiz in parse(path.read_text(), path.name).quizzes:
            if quiz.check != "none":
                cases += [(path.name, quiz.quiz_id, o.letter) for o in quiz.options if not o.keyed]
    return cases


def move_key(markdown: str, quiz, letter: str) -> str:
    """Unmark the keyed option and mark option ``letter`` instead (nothing else changes)."""
    lines = markdown.split("\n")
    for option in quiz.options:
        index = option.line - 1
        mark = "x" if option.letter == letter else " "
        lines[index] = re.sub(r"^(\s*- )\[[ xX]\]", rf"\g<1>[{mark}]", lines[index], count=1)
    return "\n".join(lines)


def test_there_are_code_questions_to_check():
    pages = {page for page, _, _ in code_questions()}
    assert {"challenge.md", "purpose.md", "pipeline.md"} <= pages


@pytest.mark.parametrize("page,quiz_id,letter", code_questions())
def test_wrong_key_fails_naming_the_question(real_results, page, quiz_id, letter):
    markdown, results = real_results
    original = next(q for q in parse(markdown[page], page).quizzes if q.quiz_id == quiz_id)
    mutated = move_key(markdown[page], original, letter)
    assert mutated != markdown[page]
    parsed = parse(mutated, page)
    quiz_errors = [err for err in parsed.errors if isinstance(err, QuizError)]
    if quiz_errors:  # e.g. the expect comment is now on a non-keyed option
        assert f"{page}:" in str(quiz_errors[0])
        return
    quiz = next(q for q in parsed.quizzes if q.quiz_id == quiz_id)
    assert quiz.key.letter == letter
    errors = verify(quiz, results)
    assert errors, f"{page} quiz {quiz_id}: keying option {letter} was not caught"
    assert any(original.title in str(e) and f"{page}:" in str(e) for e in errors)
