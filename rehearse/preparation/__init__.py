"""Preparing for an interview: the question bank."""
