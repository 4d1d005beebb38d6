"""Parse: Markdown lines and snippet files into pages, blocks, markers and quizzes.

Imports only the top-level model and errors.
"""
