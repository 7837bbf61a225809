"""Files in and out, and the paper facts kept as data: paths, strict CSV reading and atomic
writing, the registry of printed numbers and our annotations of it, the study design and
questionnaires, the record-level schemas (participants, sessions, interviews; pandera, from
``data/design/record_columns.csv``), a data folder validated as a whole, the notebooks'
parameters, and where a run may write (``runs``, ``context``). No statistics.
"""
