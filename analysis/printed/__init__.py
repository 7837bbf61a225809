"""Printed numbers: parsing, SPSS rounding (half away from zero), comparison with a reproduced
value, and judging (match, match under another method, mismatch). The lowest layer: it imports
nothing else from the package.
"""
