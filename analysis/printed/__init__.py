"""Printed numbers: parsing, SPSS rounding (half away from zero), comparison with a reproduced
value, judging (match, match under another method, mismatch), the one significance threshold
(:mod:`~analysis.printed.significance`), and the collector every stage judges its rows with
(:mod:`~analysis.printed.claims`, a thin layer over :mod:`~analysis.printed.judge` that checks
each row is judged once, by the handler ``stages.csv`` names). The lowest layer: it imports
nothing else from the package.
"""
