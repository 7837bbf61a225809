"""General numerics, independent of the two papers: the tests SPSS prints (contingency tables, two
groups), p-values and multiplicity, integer samples with a given mean and SD, integer tables
with given margins or cell bounds, granularity tests (GRIM, GRIMMER).
"""
