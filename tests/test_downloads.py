"""downloads: a page's executed blocks become a valid notebook and script a reader can run."""
from __future__ import annotations

import ast
import base64
import textwrap

import nbformat

from execdocs.render import downloads
from execdocs.model import BlockResult, ExceptionInfo, Figure
from execdocs.render.notebook_prose import ProseConverter, site_link_mapper
from execdocs.parse.page import parse
from execdocs.render.page import render_page

PAGE = textwrap.dedent('''\
    # Shapes of a convolution

    Read [the pipeline](pipeline.md#trace) first. Ratios are **exact**{ .x }.

    <!--exec: rtol=1e-3-->
    ```python
    x = 2
    print(x * 1.5)
    ```

    ??? tip "Why 3.0"
        Because 2 × 1.5 = 3.

    <!--pytest-codeblocks:cont-->
    <!--exec: output=markdown-->
    ```python
    print("| a |\\n|---|\\n| 1 |")
    ```

    <div class="quiz" data-quiz-id="q" data-check="output" markdown>

    #### What does this print?

    ```python
    print(1 + 1)
    ```

    - [x] `2`
    - [ ] `3`

    </div>

    <!--pytest.mark.xfail-->
    ```python
    raise ValueError("meant to fail")
    ```
    ''')

FIGURE = Figure(png=b"\x89PNG fake", alt="Bar chart: one bar", width=320, height=200)


def _page():
    page = parse(PAGE, "shapes.md")
    results = {(page.name, 0): BlockResult(stdout="3.0\n", figures=(FIGURE,)),
               (page.name, 1): BlockResult(stdout="| a |\n|---|\n| 1 |\n"),
               (page.name, 2): BlockResult(stdout="2\n"),
               (page.name, 3): BlockResult(exception=ExceptionInfo("ValueError", "meant to fail", "tb"))}
    return page, results


def _notebook(url="https://example.org/site/"):
    page, results = _page()
    title, parts = downloads.page_title(downloads.page_parts(page), "shapes")
    site = downloads.Site(url=url, wheel="cnnlab-0.1.0-py3-none-any.whl")
    return title, downloads.notebook(page, parts, results, site, "shapes.md", title)


def test_notebook_is_valid_and_carries_each_blocks_outputs():
    title, nb = _notebook()
    nbformat.validate(nbformat.from_dict(nb))
    assert title == "Shapes of a convolution"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 5  # setup + the page's four blocks, in order
    first, table, quiz, raises = code[1:]
    assert first["source"].startswith(downloads.RESET) and "print(x * 1.5)" in first["source"]
    assert not table["source"].startswith(downloads.RESET)  # a cont block shares the chain's start
    assert first["outputs"][0] == {"output_type": "stream", "name": "stdout", "text": "3.0\n"}
    figure = first["outputs"][1]
    assert base64.b64decode(figure["data"]["image/png"]) == FIGURE.png
    assert figure["data"]["text/plain"] == FIGURE.alt
    assert table["outputs"][0]["data"]["text/markdown"].startswith("| a |")
    assert quiz["outputs"] == []  # the quiz's answer is for the reader to run
    assert raises["metadata"]["tags"] == ["raises-exception"]
    assert raises["outputs"][0]["ename"] == "ValueError"


def test_prose_is_what_jupyter_can_show():
    _, nb = _notebook()
    prose = "\n".join(c["source"] for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "https://example.org/site/pipeline.html#trace" in prose
    assert "<!--" not in prose and "{ .x }" not in prose and "<div" not in prose
    assert "<details><summary>Why 3.0</summary>" in prose and "\nBecause 2 × 1.5 = 3." in prose
    assert "- **A.** `2`\n- **B.** `3`" in prose and "[x]" not in prose  # lettered like the widget, none ticked
    assert nb["cells"][0]["source"].startswith("# Shapes of a convolution")
    assert "```" not in prose  # code lives in code cells, not in the prose


def test_setup_cell_installs_from_site_url_or_asks_for_the_file():
    _, online = _notebook()
    setup = online["cells"][1]["source"]
    assert '"https://example.org/site/downloads/cnnlab-0.1.0-py3-none-any.whl"' in setup
    assert "def fresh_start" in setup
    _, offline = _notebook(url="")
    local = offline["cells"][1]["source"]
    assert "http" not in local and "FileNotFoundError" in local and "built without a site_url" in local
    assert "which you download beside this notebook" in offline["cells"][0]["source"]
    for source in (setup, local):
        ast.parse(source)


def test_script_runs_top_to_bottom_as_python():
    _, nb = _notebook()
    text = downloads.script(nb)
    tree = ast.parse(text)  # valid Python, prose as comments
    assert any(isinstance(node, ast.Try) for node in tree.body)  # the raising cell cannot stop it
    assert text.count("# %%") == len(nb["cells"]) + 1  # + the closing plt.show() cell
    assert "# # Shapes of a convolution" in text


def test_links_go_under_the_title_and_opt_out_works():
    page, results = _page()
    links = downloads.links_markdown("shapes.md", "cnnlab-0.1.0-py3-none-any.whl")
    body = render_page(page, results, [], lambda f: "f.png", header=links)
    lines = body.split("\n")
    assert lines[0] == "# Shapes of a convolution" and "\n".join(lines[2:4]) == links
    assert "(downloads/shapes.ipynb)" in links and "(downloads/shapes.py)" in links
    assert "(downloads/cnnlab-0.1.0-py3-none-any.whl)" in links
    assert "(../downloads/notebooks/x.ipynb)" in downloads.links_markdown("notebooks/x.md", "w.whl")
    assert downloads.wants_downloads(page)
    assert not downloads.wants_downloads(parse("---\nnotebook: false\n---\n" + PAGE, "a.md"))
    assert not downloads.wants_downloads(parse("# No code\n", "b.md"))


def test_link_mapper_resolves_against_the_site():
    to_site = site_link_mapper("https://x.org/", "notebooks")
    assert to_site("../data.md#switching") == "https://x.org/data.html#switching"
    assert to_site("https://pytorch.org") == "https://pytorch.org" and to_site("#here") == "#here"
    assert site_link_mapper("../")("assets/a.png") == "../assets/a.png"


def test_admonition_around_a_code_block_is_not_left_open():
    convert = ProseConverter(site_link_mapper(""))
    before = convert.convert('??? note "Spans code"\n    Text before the code.\n')
    after = convert.convert("    Text after the code.\n\nNext paragraph.")
    assert before.endswith("</details>") and after.startswith("Text after the code.")
