"""The papers checked against themselves, from printed numbers alone: internal consistency of the
registry (notebook 00), the evidence behind its findings, the audit of every printed test and
the granularity of every mean, SD and percentage (notebook 06), and whether the two papers'
samples can be nested.
"""
