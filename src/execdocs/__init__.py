"""execdocs: run the code blocks of Markdown pages, cache, record and compare their outputs.

The layout is the pipeline.  Shared values first, then one sub-package per stage, each
importing only what is listed above it (``tests/test_import_graph.py`` checks it):

- ``errors``, ``model``: typed errors and the values passed between stages (Block, Chain,
  Page with its identity, BlockResult, Problem); ``settings``: everything a build is told.
- ``parse/``: Markdown and snippets → Page (fences, markers, quizzes).
- ``run/``: execute chains in processes forked from a warm zygote; capture their outputs.
- ``check/``: compare results with expectations (numbers, images, quiz keys) → Problems.
- ``store/``: the result cache, the records, recorded durations, atomic files, the lock.
- ``render/``: Markdown for the site, quiz widgets, notebooks, the drift report.
- ``build``: one Build (plan → execute → check → accept) used by every caller;
  ``workspace``: what the MkDocs hooks keep across ``mkdocs serve`` rebuilds;
  ``scale/``: shards of a build for CI; ``__main__``: the command line.

Nothing here imports MkDocs (``hooks/`` is the adapter), so the engine can move to
another static-site tool.
"""
__version__ = "0.1.0"
