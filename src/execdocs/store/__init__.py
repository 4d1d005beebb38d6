"""Store: the result cache, the records, recorded durations, atomic files and the build lock.

Imports model, errors, check (record comparison) and run (thread count for cache keys).
"""
