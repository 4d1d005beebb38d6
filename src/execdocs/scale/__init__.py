"""Scale: plan shards of chains across machines and run one shard into the cache.

Imports every stage; nothing but the command line imports it.
"""
