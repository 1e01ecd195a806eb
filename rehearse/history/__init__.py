"""Attempts kept on disk and progress across them."""
