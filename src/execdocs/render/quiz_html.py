"""The HTML side of quizzes: widgets and badges as line edits against the page.

The quiz region stays ``markdown`` (md_in_html) so the question text, code blocks, Hint and
Solution admonitions render as ordinary Markdown; only the opening tag, the option lines and
the line after the options are replaced.  The key is never written as plain text: the quiz
carries ``data-key = fnv1a32("quiz-id:LETTER")``, which ``docs/assets/quiz.js`` recomputes
for the clicked option.  That is obfuscation, not security: it only keeps the answer out of
view-source.  The Solution and held-back outputs are sealed the same way, on the HTML, by
``quiz_seal``.
"""
from __future__ import annotations

import html
import re

from ..model import BadgeMarker, Edit, Option, Quiz

FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193
CODE_RE = re.compile(r"(`+)(.+?)\1")
HEADING_RE = re.compile(r"^ {0,3}#{1,6}\s+\S")  # a Markdown heading line (the question's title)
STRONG_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EM_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
# Attributes the widget derives itself; the author's copies are dropped to avoid duplicates.
DERIVED = {"markdown", "data-key"}


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a over UTF-8 bytes: tiny and identical in JS (crypto.subtle needs HTTPS)."""
    h = FNV_OFFSET
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return h


def key_hash(quiz_id: str, letter: str) -> str:
    """What ``data-key`` holds for the right option: 8 hex digits of fnv1a32("id:LETTER")."""
    return f"{fnv1a32(f'{quiz_id}:{letter}'):08x}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def inline_markdown(text: str) -> str:
    """Option text as inline HTML: code spans, **strong**, *em*; everything else escaped.

    Option lines become raw HTML buttons, which Markdown does not process, so the few
    inline forms authors use in options are rendered here.  ``_`` emphasis is left out on
    purpose: options are full of identifiers such as ``in_channels``.
    """
    parts, pos = [], 0
    for m in CODE_RE.finditer(text):
        parts.append(_emphasis(_esc(text[pos : m.start()])))
        parts.append(f"<code>{_esc(m.group(2).strip())}</code>")
        pos = m.end()
    parts.append(_emphasis(_esc(text[pos:])))
    return "".join(parts)


def _emphasis(escaped: str) -> str:
    return EM_RE.sub(r"<em>\1</em>", STRONG_RE.sub(r"<strong>\1</strong>", escaped))


def _mmss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _open_tag(quiz: Quiz) -> str:
    """The quiz <div>, keeping the author's attributes and adding the obfuscated key."""
    attrs = [f'{k}="{_esc(v)}"' for k, v in quiz.attrs if k not in DERIVED]
    attrs.append(f'data-key="{key_hash(quiz.quiz_id, quiz.key.letter)}"')
    return f"{quiz.indent}<div {' '.join(attrs)} markdown>"


def _header(quiz: Quiz) -> str:
    """Category, difficulty, attempts left and the optional timer, on one bar."""
    items = []
    if quiz.category:
        items.append(f'<span class="quiz-category">{_esc(quiz.category)}</span>')
    if quiz.difficulty:
        level = _esc(quiz.difficulty.lower())
        items.append(f'<span class="quiz-difficulty" data-level="{level}">{_esc(quiz.difficulty)}</span>')
    items.append(f'<span class="quiz-attempts">Attempts: <span class="quiz-attempts-left">{quiz.attempts}</span>'
                 f' of {quiz.attempts} left</span>')
    if quiz.timer:
        items.append(f'<button type="button" class="quiz-timer" data-timer="{quiz.timer}" hidden '
                     f'aria-label="Start a {_mmss(quiz.timer)} timer">Timer <span class="quiz-time">'
                     f"{_mmss(quiz.timer)}</span></button>")
    return f'{quiz.indent}<div class="quiz-header">{" ".join(items)}</div>'


def _group_open(quiz: Quiz, extra: str = "", markdown: bool = False) -> str:
    label = _esc(f"Answer options: {quiz.title}")
    md = " markdown" if markdown else ""
    return f'{quiz.indent}<div class="quiz-options{extra}" role="group" aria-label="{label}"{md}>'


def _controls(quiz: Quiz) -> str:
    """Feedback (announced politely) and the JS-only buttons, hidden until quiz.js runs."""
    i = quiz.indent
    return (f'{i}<p class="quiz-feedback" aria-live="polite"></p>\n'
            f'{i}<div class="quiz-controls" hidden><button type="button" class="quiz-reveal">Reveal solution</button> '
            f'<button type="button" class="quiz-reset">Reset</button></div>')


def _button(quiz: Quiz, option: Option) -> str:
    return (f'{quiz.indent}<button type="button" class="quiz-option" data-option="{option.letter}" '
            'aria-pressed="false">'
            f'<span class="quiz-letter">{option.letter}</span> '
            f'<span class="quiz-text">{inline_markdown(option.text)}</span></button>')


def _choice_edits(quiz: Quiz) -> list[Edit]:
    """Each option line becomes a button; the group wraps them, feedback follows the last."""
    edits = []
    for n, option in enumerate(quiz.options):
        parts = ["", _group_open(quiz)] if n == 0 else []
        parts.append(_button(quiz, option))
        if n == len(quiz.options) - 1:
            parts += [f"{quiz.indent}</div>", _controls(quiz), ""]
        edits.append(Edit(option.line, 1, "\n".join(parts)))
    return edits


def _runs_edits(quiz: Quiz) -> list[Edit]:
    """Options stay list items so their indented code blocks still render (and still run)."""
    edits = []
    for n, option in enumerate(quiz.options):
        card = (f'{quiz.indent}- <span class="quiz-letter">{option.letter}</span> '
                f'<span class="quiz-text">{inline_markdown(option.text)}</span> '
                f'<button type="button" class="quiz-option quiz-select" data-option="{option.letter}" '
                f'aria-pressed="false">Choose {option.letter}</button>')
        text = "\n".join(["", _group_open(quiz, " quiz-options-runs", markdown=True), "", card]) if n == 0 else card
        edits.append(Edit(option.line, 1, text))
    closing = [f"{quiz.indent}</div>", _controls(quiz), "", quiz.options_end_text]
    edits.append(Edit(quiz.options_end, 1, "\n".join(closing)))
    return edits


def search_exclude_edits(quiz: Quiz, lines: list[str]) -> list[Edit]:
    """Mark the question's heading ``data-search-exclude`` (attr_list) for Material's search.

    Why the heading and not the quiz <div>: Material's search parser tracks excluded elements
    by tag name, so the first nested ``</div>`` inside an excluded <div> would end the
    exclusion; an excluded heading drops its whole section instead, which ends where the
    quiz's <div> closes. The question, hint, solution and held-back outputs all stay out of
    the search index, so search never shows an answer. ``lines`` is the page's Markdown; the
    heading is looked for before the question's first code block and first option.
    """
    stops = [o.line for o in quiz.options[:1]] + [b.line for b in quiz.blocks[:1]] + [quiz.end_line]
    for index in range(quiz.line, min(stops) - 1):  # 0-based: the lines after the <div> line
        if HEADING_RE.match(lines[index]):
            return [Edit(index + 1, 1, f"{lines[index].rstrip()} {{ data-search-exclude }}")]
    return []


def render_edits(quiz: Quiz) -> list[Edit]:
    """Edits (against the original Markdown) that turn one quiz region into its widget."""
    edits = [Edit(quiz.line, 1, f"{_open_tag(quiz)}\n{_header(quiz)}")]
    return edits + (_runs_edits(quiz) if quiz.check == "runs" else _choice_edits(quiz))


def badge_html(group: str, title: str | None = None, indent: str = "") -> str:
    """The hidden badge for a group; quiz.js un-hides it once every quiz of the group is right."""
    name = _esc(title or f"{group.capitalize()} complete")
    g = _esc(group)
    return (f'{indent}<div class="quiz-badge" data-group="{g}" role="status" hidden>'
            f'<span class="quiz-badge-icon" aria-hidden="true">&#127894;&#65039;</span> '
            f'<strong class="quiz-badge-title">{name}</strong> '
            f'<span class="quiz-badge-text">All {g} questions answered correctly.</span></div>\n'
            f'{indent}<p class="quiz-progress" data-group="{g}" aria-live="polite" hidden></p>')


def render_badge_edit(marker: BadgeMarker) -> Edit:
    """Replace a ``<!--quiz-badge: group "Title"-->`` line with the badge markup."""
    return Edit(marker.line, 1, badge_html(marker.group, marker.title))
