"""Fitting the matcher's scoring model: populations, mined pairs, the fit itself.

Run `python tools/fit_scorer.py` from the repository root to refit; the package's
modules are also used by `bench/quality.py` to build its evaluation sets.
"""
