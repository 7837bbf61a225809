"""Notebook 02, the readings of fan2018's stated frequencies (Results: *Service process*):
which periods "the second year" covers, and how loosely "about once every ..." is read.
For each reading, whether a Fig. 1 table meets the text (exact count, verified table or
proof: :mod:`analysis.methods.exact_tables`); under the notebook's own reading, a finding
when none does (issue 15) and the nearest reading that fits, so that a reconstruction can
still be built."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.io.cache import memoised
from analysis.io.design import frequency_rules
from analysis.methods.exact_tables import NoFeasibleTable, linear_bounds
from analysis.methods.tables import Feasible, count_band_tables, feasible_tables
from analysis.reconstruct.session_records import band_matrices, fig1_targets, frequency_bands
from analysis.stages.service_process import exact_cells, interval_bounds

__all__ = ["SECOND_YEAR", "TOLERANCES", "bands_used", "fit_sentence", "fitting_tolerance",
           "reading_fit", "readings", "sampled_tables"]


#: Readings of "during the second year" (fan2018, Results: Service process): its periods.
SECOND_YEAR = {"calendar 2014": ("2014H1", "2014H2"),
               "July 2014 to June 2015": ("2014H2", "2015H1")}

#: Readings of "about once every ...": how far an average interval may be from the stated one.
TOLERANCES = (0.0, 0.25, 0.5, 0.75)


def _reading(registry: pd.DataFrame, periods: tuple[str, ...], tolerance: float) -> dict:
    rules = tuple({**rule, "periods": periods} if rule["rule"] == "second year" else rule
                  for rule in frequency_rules())
    try:
        bands = frequency_bands(registry, tolerance, rules)
    except ValueError as error:
        return {"band_tables": 0, "feasible": "no", "how": f"the rules contradict: {error}"}
    total, window = fig1_targets(registry)
    low, high = band_matrices(bands)
    count = count_band_tables(low, high, total)
    if count == 0:
        return {"band_tables": 0, "feasible": "no",
                "how": f"exact count: no table within the bands sums to {total}"}
    try:
        found = linear_bounds(low, high, total, window, (high > 0).astype(int))
    except NoFeasibleTable as error:
        return {"band_tables": count, "feasible": "no", "how": str(error)}
    return {"band_tables": count, "feasible": "yes", "bands": bands,
            "how": "a verified table gives the printed total and chi-square "
                   f"({found['min_method']})"}


def reading_fit(registry: pd.DataFrame, tolerance: float) -> dict:
    """Whether the text, read with ``tolerance`` ("the second year" as calendar 2014, the
    reading of ``data/design/frequency_rules.csv``), admits a Fig. 1 table with the printed
    total and chi-square: ``band_tables`` (exact count), ``feasible`` (yes/no) and ``how``
    (a verified table, or the proof that there is none)."""
    found = _reading(registry, SECOND_YEAR["calendar 2014"], tolerance)
    found.pop("bands", None)
    return found


def fitting_tolerance(registry: pd.DataFrame, tolerance: float) -> float:
    """``tolerance`` if a table fits under it (:func:`reading_fit`); otherwise the nearest of
    :data:`TOLERANCES` under which one does, looser before stricter, so that a reconstruction
    can still be built. ValueError if no reading admits a table."""
    if reading_fit(registry, tolerance)["feasible"] == "yes":
        return tolerance
    order = sorted(TOLERANCES, key=lambda t: (t < tolerance, abs(t - tolerance)))
    for other in order:
        if reading_fit(registry, other)["feasible"] == "yes":
            return other
    raise ValueError("no reading of the text admits a Fig. 1 table")


def bands_used(registry: pd.DataFrame, tolerance: float, bands: pd.DataFrame
               ) -> tuple[float, pd.DataFrame]:
    """The reading the reconstruction uses (:func:`fitting_tolerance`) and its frequency
    bands: ``bands`` (those of ``tolerance``) if a table fits under it, else the bands of the
    nearest reading that fits."""
    used = fitting_tolerance(registry, tolerance)
    return used, bands if used == tolerance else frequency_bands(registry, used)


def fit_sentence(fit: dict, tolerance: float, used: float, total: int) -> str:
    """The finding about the reading ``tolerance`` of the stated frequencies, in words."""
    if fit["feasible"] == "yes":
        return (f"Read with tolerance {tolerance:g}, the stated frequencies admit "
                f"{fit['band_tables']:,} tables summing to {total}, and at least one of them "
                f"also gives the printed chi-square: {fit['how']}.")
    return (f"**Finding: read with tolerance {tolerance:g}, no table agrees with the text** "
            f"({fit['how']}). The stated frequencies, the printed total and the printed "
            f"chi-square cannot all hold under this reading. A reconstruction needs a table, "
            f"so the rest of this notebook uses the nearest reading under which one fits, "
            f"tolerance {used:g}.")


@memoised
def sampled_tables(low: np.ndarray, high: np.ndarray, total: int,
                   window: tuple[float, float], seed: int, draws: int) -> Feasible:
    """fan2018 Fig. 1's tables that meet the text, sampled by
    :func:`analysis.methods.tables.feasible_tables` and kept in the proof cache (a rerun of
    notebook 02 with the same bands, seed and draws reads them back). Its inputs are
    published numbers only (the bands of the stated frequencies, the printed total and
    chi-square), never a user's data, so the cache holds nothing from a real-data run."""
    return feasible_tables(low, high, total, window, seed=seed, draws=draws)


@memoised
def readings(registry: pd.DataFrame, known: dict[float, pd.DataFrame] | None = None
             ) -> pd.DataFrame:
    """fan2018 Fig. 1 under every reading of two ambiguous phrases: which periods "the second
    year" covers, and how loosely "about once every ..." is read (``tolerance``). For each,
    whether the stated rules agree with one another, how many tables the bands allow (exact),
    whether one of them gives the printed total and chi-square (a verified witness, or a
    proof that none does: :mod:`analysis.methods.exact_tables`), and, where one does, the
    proved range of fan2019's shortest and longest mean interval (:func:`interval_bounds`).
    ``known``: exact cells already computed, by tolerance, for the reading of the text."""
    known = known or {}
    rows = []
    for label, periods in SECOND_YEAR.items():
        for tolerance in TOLERANCES:
            found = _reading(registry, periods, tolerance)
            bands = found.pop("bands", None)
            row = {"second_year": label, "tolerance": tolerance, **found}
            if bands is not None:
                cells = known.get(tolerance) if periods == SECOND_YEAR["calendar 2014"] \
                    else None
                cells = exact_cells(bands, registry) if cells is None else cells
                for pick, bound in interval_bounds(bands, None, cells).items():
                    row[f"interval_{pick}_low"], row[f"interval_{pick}_high"] = (bound.low,
                                                                                bound.high)
            rows.append(row)
    return pd.DataFrame(rows)
