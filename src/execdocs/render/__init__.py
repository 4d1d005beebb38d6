"""Render: text for readers, as pure functions of pages, results and problems.

Owns page Markdown (``page``), quiz widgets (``quiz_html``), snippet notebooks
(``notebooks``) and the drift report (``drift_report``).  Imports ``model``, ``errors``,
``parse``, ``check.compare`` and ``store.files``; nothing imports it but ``build`` and the hooks.
"""
