"""Parse: a page's Markdown (or a snippet's cells) into one ``model.Page``.

Owns the fence scanner (``fences``), the marker grammar (``markers``), the block parser
(``page``) and the quiz parser (``quiz``).  Imports only ``model`` and ``errors``.
"""
