"""Run: execute chains of blocks in forked, seeded workers and capture their outputs.

Imports only the top-level model and errors.
"""
