"""Scale: split a build's chains over machines (CI shards) and run one shard.

``shard`` is the pure planner (longest first onto the least-loaded shard; the local build
orders its chains with the same key); ``shard_run`` runs one shard through ``build.Build``.
"""
