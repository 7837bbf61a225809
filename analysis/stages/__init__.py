"""One module per notebook (with a companion module for its tables where it is large): the paper's
tables and tests computed from record-level data, and every registry row of the stage judged
against its printed value.
"""
