"""How strong each result is. Every judged row gets an evidence level:

``published``
    recomputed from printed numbers alone (a percentage from its printed count and n, a test
    from a printed table, a design count from the list the text gives): no reconstructed
    record involved (:mod:`analysis.evidence.recomputed`);
``invariant``
    computed from reconstructed records, and proved to give the same *verdict* (match or
    mismatch at the printed decimals) for every dataset consistent with the printed numbers:
    an exact range, by enumeration or a solver, that lies inside the printed number's
    rounding window or outside it, or a proof of the verdict (GRIM). The value itself may
    vary; "invariant" never means the same value;
``dependent``
    computed from reconstructed records and not invariant: the row carries the range over the
    consistent datasets, exact or labelled as sampled;
``by_construction``
    the reconstruction was built to give it: this proves only that such data can exist;
``unavailable``
    the inputs are not published;
``real_data``
    computed from the researcher's real records (the real-data mode).

:mod:`analysis.evidence.levels` assigns them; :mod:`analysis.printed.discrepancy` classifies
every difference the way reproducibility studies do (Hardwicke et al. 2018, 2021).
:mod:`analysis.evidence.rules` chooses the defensible alternatives of each test, and
:mod:`analysis.evidence.multiverse` tries the papers' conclusions under them. This layer
reads printed numbers and the methods; it never imports the reconstruction.
"""
