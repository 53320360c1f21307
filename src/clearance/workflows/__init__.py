"""Screening workflows: batch files, free text, portfolios, on top of the matcher and effects."""
