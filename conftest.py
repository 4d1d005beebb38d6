"""Root conftest: give `pytest --codeblocks docs` the build's execution conditions.

The build runs each block with seeded RNGs, one torch thread and matplotlib's Agg
backend (``execdocs.run.runner.reset_state``); pytest-codeblocks runs blocks in-process
and its items are not fixture-aware, so the setup/teardown hooks apply the same state
to every Markdown block.  Blocks that publish files write them into
``$EXECDOCS_ARTIFACTS``; for a pytest run that is a temporary directory removed at the
end, so a block never writes into the repository.
"""
import os
import shutil
import tempfile

os.environ.setdefault("MPLBACKEND", "Agg")
_ARTIFACTS = "EXECDOCS_ARTIFACTS"
_REPORT = "EXECDOCS_DRIFT_REPORT"
_made: dict[str, str] = {}  # variable -> the temporary directory this run made for it


def pytest_configure(config):
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
