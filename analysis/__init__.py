"""Reproduction of Fan et al., BMC Psychiatry 2018;18:170 and 2019;19:360.

Modules
-------
paths        absolute paths of the project
rounding     printed numbers as strings; SPSS rounding (half away from zero)
compare      does a reproduced value match a printed one?
registry     the registry of published numbers: load and validate
consistency  internal checks of the registry (sums, percentages, p against statistic)
stats        thin wrappers over scipy/statsmodels for the tests the papers use
report       reports/reproduction.csv and .md
run          run every notebook with papermill, then write the report
"""

__version__ = "0.1.0"
