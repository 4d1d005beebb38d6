"""Store: what a build keeps on disk.

Owns the content-hash result cache (``cache``), the committed records (``record``), the
recorded chain durations (``durations``), atomic writes (``files``) and the build lock
(``lock``).  Imports ``model``, ``errors`` and ``check.compare`` (records compare themselves).
"""
