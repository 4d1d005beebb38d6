"""output_checks: unreadable figure text and undeclared warnings are problems at page:line."""
import pytest

from execdocs.errors import MarkerError
from execdocs.parse.markers import read_options
from execdocs.model import Block, BlockResult, Figure, Options
from execdocs.check.output_checks import COLUMN_PX, UndeclaredWarning, UnreadableFigure, output_errors, shown_text_px


def blk(**options) -> Block:
    return Block(page="p.md", index=0, line=7, end_line=9, code="x = 1\n", options=Options(**options))


def fig(width: int, text_px: float | None) -> Figure:
    return Figure(png=b"png", alt="a plot of loss against epoch", width=width, height=200, text_px=text_px)


def test_small_text_fails_at_the_blocks_line_and_says_what_to_do():
    (err,) = output_errors(blk(), BlockResult(figures=(fig(600, 11.1), fig(600, 8.33))))
    assert isinstance(err, UnreadableFigure) and (err.page, err.line) == ("p.md", 7)
    assert str(err).startswith("p.md:7: figure 2 of this block shows text at 8.3 CSS px")
    assert "6.0 pt" in str(err) and "fontsize >= 8" in str(err)


def test_a_figure_wider_than_the_column_is_judged_at_its_shrunk_size():
    assert shown_text_px(COLUMN_PX, 11.0) == 11.0
    assert shown_text_px(2 * COLUMN_PX, 11.0) == 5.5
    assert output_errors(blk(), BlockResult(figures=(fig(2 * COLUMN_PX, 11.0),)))  # shown at 5.5 px
    assert not output_errors(blk(), BlockResult(figures=(fig(COLUMN_PX, 11.0), fig(300, None))))  # None: no text


def test_warnings_fail_unless_declared():
    result = BlockResult(stderr="DeprecationWarning: __array__ implementation doesn't accept a copy keyword\n"
                                "plain stderr line\n")
    (err,) = output_errors(blk(), result)
    assert isinstance(err, UndeclaredWarning) and err.line == 7
    assert "1 warning(s)" in str(err) and "DeprecationWarning: __array__" in str(err)
    assert "<!--exec: warnings=expected-->" in str(err)
    assert not output_errors(blk(warnings="expected"), result)
    assert not output_errors(blk(), BlockResult(stderr="progress 10%\n"))  # stderr that is not a warning


def test_the_warnings_option_is_validated_like_the_others():
    assert read_options("warnings=expected", "p.md", 3) == {"warnings": "expected"}
    with pytest.raises(MarkerError, match=r"p.md:3: bad value for exec option warnings: 'yes' \(must be fail or expected\)"):
        read_options("warnings=yes", "p.md", 3)
