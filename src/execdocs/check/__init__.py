"""Check: compare fresh results with records (numbers, text, images), quiz keys and claims.

Imports model, errors, parse (quizzes) and store (records).
"""
