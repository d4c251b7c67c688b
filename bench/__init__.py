"""Benchmarks: ``python -m bench`` (or ``make bench``) prints wall time and peak memory per stage.

Large data sets are read from ``../shared/data`` (or ``$LIENS_DATA``); a data set that is absent
is skipped with a message.
"""
