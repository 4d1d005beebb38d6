"""Run: execute chains of blocks in processes forked from a warm zygote, and capture them.

Owns the zygote and its children (``execute``, ``zygote``), the worker's fresh seeded
namespace (``runner``), fd-level capture (``capture``) and the child's read-only view of
``docs/`` and ``records/`` (``landlock``).  Imports only ``model`` and
``errors``.  Its source is part of every cache key (``store.cache.engine_digest``).
"""
