"""Render: page Markdown, quiz widgets, notebooks and the drift report from results and problems.

Imports model, errors, parse and check.
"""
