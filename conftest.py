"""Root conftest: give `pytest --codeblocks docs` the build's execution conditions.

The build runs each block with seeded RNGs, one torch thread and matplotlib's Agg
backend (``execdocs.run.runner.reset_state``); pytest-codeblocks runs blocks in-process
and its items are not fixture-aware, so the setup/teardown hooks apply the same state
to every Markdown block.  Blocks that publish files write them into
``$EXECDOCS_ARTIFACTS``; for a pytest run that is a temporary directory removed at the
end, so a block never writes into the repository.

`make test` runs the tests and pytest-codeblocks in ONE pytest run (``--codeblocks tests
docs/<page>.md``): the Markdown pages under ``tests/`` are fixtures of the engine's own tests
(some fail on purpose) and are never collected as code blocks.
"""
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
_ARTIFACTS = "EXECDOCS_ARTIFACTS"
_REPORT = "EXECDOCS_DRIFT_REPORT"
_made: dict[str, str] = {}  # variable -> the temporary directory this run made for it
_TESTS = Path(__file__).resolve().parent / "tests"


def pytest_ignore_collect(collection_path, config):
    """Markdown under tests/ is test data (tests/e2e/docs fails on purpose), not blocks to run."""
    if collection_path.suffix == ".md" and _TESTS in collection_path.resolve().parents:
        return True
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "screenshots: pictures of the site for a person (make screenshots), "
                                       "not a check; left out of make test")
    # artifacts blocks publish, and the drift reports of the builds the tests run
    for name, prefix in ((_ARTIFACTS, "execdocs-artifacts-"), (_REPORT, "execdocs-drift-report-")):
        if not os.environ.get(name):
            _made[name] = os.environ[name] = tempfile.mkdtemp(prefix=prefix)


def pytest_unconfigure(config):
    while _made:
        name, folder = _made.popitem()
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(name, None)


def _is_markdown_block(item) -> bool:
    return getattr(item, "path", None) is not None and item.path.suffix == ".md"


def pytest_runtest_setup(item):
    if _is_markdown_block(item):
        from execdocs.run.runner import reset_state

        reset_state()


def pytest_runtest_teardown(item):
    if _is_markdown_block(item):
        import matplotlib.pyplot as plt

        plt.close("all")
