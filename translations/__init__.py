"""Foleni's texts in every language that has a catalog, and numbers and dates per locale.

A leaf package: it imports only the standard library and Babel, so every layer may use it.
"""
