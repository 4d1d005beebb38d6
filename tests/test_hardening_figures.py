"""Hardening (issue 19, part 4): the figure gate sees a figure's text.

A title changed from "91.2%" to "81.2%" moves few pixels (RMS 1.95 against a tolerance of 2),
so pixels alone let it through.  Each figure's text (titles, labels, tick labels, legends,
annotations, read from matplotlib's text artists when the figure is saved) is recorded and
compared like printed output: exact text, numbers within ``rtol``.  The drift shows the
text diff beside the recorded and fresh images.
"""
from __future__ import annotations

from execdocs.render import drift_report

from enginekit import build, py, write_site

FIGURE = """
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([0, 1, 2], [0.2, 0.5, 0.9], label="CNN")
ax.set_title("test accuracy {acc}")
ax.set_xlabel("epoch")
ax.annotate("best", (2, 0.9))
ax.legend()
"""


def page(acc: str, marker: str = "") -> str:
    return "# F\n\n" + py(FIGURE.format(acc=acc), marker)


def test_changed_title_number_fails_the_figure_gate(tmp_path):
    settings = write_site(tmp_path, {"f.md": page("91.2%")})
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "f.md").write_text(page("81.2%"))
    session = build(settings)
    assert [p.where for p in session.problems] == ["f.md:3"]
    problem = session.problems[0]
    assert "text" in problem.detail and "figure 1" in problem.detail
    assert "-test accuracy 91.2%" in problem.diff and "+test accuracy 81.2%" in problem.diff
    assert problem.figure is not None  # the images beside the text diff
    html = drift_report.render_report(session.problems)
    assert ">91.2<" in html and ">81.2<" in html and "data:image/png" in html  # numbers marked


def test_recorded_figure_text_holds_every_kind_of_label(tmp_path):
    settings = write_site(tmp_path, {"f.md": page("91.2%")})
    session = build(settings, accept=True)
    text = session.results[("f.md", 0)].figures[0].text
    for expected in ("test accuracy 91.2%", "epoch", "best", "CNN", "0.0", "2.0"):
        assert expected in text, (expected, text)


def test_figure_text_numbers_compare_under_rtol(tmp_path):
    marker = "<!--exec: rtol=1e-3 image_tol=50-->"
    settings = write_site(tmp_path, {"f.md": page("0.50001", marker)})
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "f.md").write_text(page("0.50002", marker))
    assert build(settings).problems == []
    (settings.docs_dir / "f.md").write_text(page("0.6", marker))
    assert [p.where for p in build(settings).problems] == ["f.md:4"]
