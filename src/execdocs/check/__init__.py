"""Check: every way a page can disagree with reality, as ``model.Problem`` values.

Owns comparison (``compare``: numbers within tolerance, text, images), the per-page
checks (``checks``) and quiz keys (``quiz_keys``).  Imports ``model``, ``errors``,
``parse`` and ``store`` (the records it compares against).
"""
