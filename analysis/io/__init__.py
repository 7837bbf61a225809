"""Files in and out, and the paper facts kept as data: paths, strict CSV reading and atomic
writing, the registry of printed numbers and our annotations of it, the study design and
questionnaires, and the record-level schemas (participants, sessions, interviews). No
statistics.
"""
