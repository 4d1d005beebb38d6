"""Root conftest: give `pytest --codeblocks docs` the build's execution conditions.

The build runs each block with seeded RNGs, one torch thread and matplotlib's Agg
backend (``execdocs.runner.reset_state``); pytest-codeblocks runs blocks in-process
and its items are not fixture-aware, so the setup/teardown hooks apply the same state
to every Markdown block.
"""
import os

os.environ.setdefault("MPLBACKEND", "Agg")


def _is_markdown_block(item) -> bool:
    return getattr(item, "path", None) is not None and item.path.suffix == ".md"


def pytest_runtest_setup(item):
    if _is_markdown_block(item):
        from execdocs.runner import reset_state

        reset_state()


def pytest_runtest_teardown(item):
    if _is_markdown_block(item):
        import matplotlib.pyplot as plt

        plt.close("all")
