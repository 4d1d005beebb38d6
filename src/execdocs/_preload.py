"""Imported by the fork server so every forked chain starts with torch already loaded.

A failing import here must not kill the fork server: the chain that needs the module
imports it again and reports the error against its own block.
"""
try:
    from .runner import preload

    preload()
except Exception:  # noqa: BLE001
    pass
