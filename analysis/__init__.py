"""Reproduction of Fan et al., BMC Psychiatry 2018;18:170 and 2019;19:360.

The subpackages follow the pipeline, and each imports only from the ones above it:

printed/      printed numbers: parse, round as SPSS does (half away from zero), compare,
              judge a reproduced value against the printed one, collect the judged rows
io/           read, validate and write files; paths; the registry; paper facts (design,
              questionnaires, who handles which row) read from ``data/``; no statistics
methods/      general numerics: contingency and two-group tests, p-values, integer samples
              with a given mean and SD, allocation, bounded tables, granularity (GRIM...)
checks/       the papers against themselves, from printed numbers alone: internal
              consistency, the audit of every printed test, granularity, sample overlap
evidence/     how strong each result is (evidence levels, proofs over the consistent
              datasets), the rules that choose each test's defensible alternatives, and the
              conclusions tried under them
reconstruct/  the record-level data rebuilt from the printed numbers (participants,
              sessions, content categories, interviews), written to ``data/reconstructed/``
stages/       one module (or two) per notebook: the paper's tables computed from records,
              and every registry row of the stage judged
report/       ``reports/``: the results of each notebook, the report CSV, Markdown and HTML
              page, the letter, the figures; every note and problem rendered from templates
              and computed facts (``notes``, ``facts*``, ``templates``); what a run changed
              against another (``changes``, ``change_words``)

``python -m analysis.run`` runs every notebook and writes the report (only with every
parameter at its default into the repository; otherwise into ``build/runs/`` or, with real
data, ``private/output/``, each with what it changed against the published reproduction);
``python -m analysis.compare A B`` compares two runs; ``python -m analysis.lookalike``
writes a synthetic dataset in the layout of the real data.
"""

__version__ = "0.1.0"
