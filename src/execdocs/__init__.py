"""execdocs: run the code blocks of Markdown pages, cache, record and compare their outputs.

Stages, one module each: parse → execute (runner in the worker) → capture → cache →
compare (against record) → render.  ``session`` ties them together for one build;
nothing here imports MkDocs, so the engine can move to another static-site tool.
"""
__version__ = "0.1.0"
