"""The registry of published numbers: validation, traceability to the text, independent
second transcription, and the papers' internal consistency (sums, percentages, p-values)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.checks.consistency import (
    all_checks,
    check_p_values,
    check_percents,
    check_sums,
    unexpected,
)
from analysis.io import paths
from analysis.io.annotations import load_findings, load_implied
from analysis.io.files import InputError, read_csv_strict
from analysis.io.registry import REGISTRY_COLUMNS, load_registry, normalise_text, paper_text


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return load_registry()


def test_registry_loads_and_covers_both_papers(registry):
    assert list(registry.columns[: len(REGISTRY_COLUMNS)]) == REGISTRY_COLUMNS
    counts = registry["paper"].value_counts()
    # Several hundred numbers: every table cell, test and sentence number of both papers.
    assert counts["fan2018"] > 200
    assert counts["fan2019"] > 300
    # Every kind of quantity the issue names is present.
    assert set(registry["quantity"]) == {
        "n", "count", "percent", "mean", "sd", "statistic", "df", "p", "other"}


def test_every_registry_string_is_a_string(registry):
    assert all(registry[c].map(type).eq(str).all() for c in REGISTRY_COLUMNS)


def test_context_is_verbatim_in_the_paper(registry):
    texts = {paper: paper_text(paper) for paper in registry["paper"].unique()}
    missing = [row.id for row in registry.itertuples()
               if normalise_text(row.context) not in texts[row.paper]]
    assert missing == []


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\u2212", "-").lower()


def test_printed_number_is_in_its_context(registry):
    """The transcribed string can be found in the quoted text (spaces and the U+2212 minus
    normalised as SCHEMA.md says), so each row points at where the number is printed."""
    missing = [row.id for row in registry.itertuples()
               if row.printed.lower().replace("×10^", "×10") not in _squeeze(row.context)]
    assert missing == []


def test_no_row_reads_outside_the_repository():
    for path in paths.PAPER_FILES.values():
        assert paths.ROOT in path.parents


def _section(location: str) -> str:
    return location.split(":")[0]


def test_second_transcription_agrees(registry):
    """An independent second transcription (location, printed, context), made without seeing
    the registry, holds the same multiset of (section, printed) per paper; the differences
    adjudicated after reading the text are listed in adjudication.csv with the reason."""
    folder = paths.SECOND_TRANSCRIPTION
    adjudicated = read_csv_strict(folder / "adjudication.csv",
                                  ["paper", "section", "printed", "side", "reason"])
    for paper in ("fan2018", "fan2019"):
        second = read_csv_strict(folder / f"{paper}.csv", ["location", "printed", "context"])
        mine = registry[registry["paper"] == paper]
        first = Counter(zip(mine["location"].map(_section), mine["printed"], strict=True))
        other = Counter(zip(second["location"].map(_section), second["printed"], strict=True))
        listed = adjudicated[adjudicated["paper"] == paper]
        only_registry = Counter(
            (r.section, r.printed) for r in listed.itertuples() if r.side == "registry_only")
        only_second = Counter(
            (r.section, r.printed) for r in listed.itertuples() if r.side == "second_only")
        assert first - other == only_registry, paper
        assert other - first == only_second, paper


# --- internal consistency of the papers -------------------------------------------------

@pytest.fixture(scope="module")
def checks(registry) -> pd.DataFrame:
    return all_checks(registry)


def test_every_check_family_runs(checks):
    counts = checks["check"].value_counts()
    assert counts["sum"] >= 30  # every table block and recruitment split
    assert counts["percent"] >= 140  # every percentage with an n
    assert counts["p"] >= 25  # every p printed beside its statistic


def test_no_unexpected_inconsistency(checks):
    """Fails on any new transcription error; paper-side inconsistencies are findings.csv."""
    problems = unexpected(checks, load_findings())
    assert problems.empty, problems.to_string()


def test_findings_have_reasons():
    findings = load_findings()
    assert findings["reason"].str.len().min() > 40
    assert not findings.duplicated(["id", "check"]).any()


def test_implied_inputs_have_reasons():
    implied = load_implied()
    assert (implied["reason"].str.len() > 40).all()


def test_percent_check_catches_a_wrong_percentage(registry):
    broken = registry.copy()
    row = broken["id"] == "fan2018.table2.sex_male.peers.percent"
    broken.loc[row, "printed"] = "67.7"
    result = check_percents(broken).set_index("id")
    assert not result.loc["fan2018.table2.sex_male.peers.percent", "consistency"]


def test_sum_check_catches_a_wrong_cell(registry):
    broken = registry.copy()
    broken.loc[broken["id"] == "fan2018.table2.sex_male.peers.count", "printed"] = "9"
    result = check_sums(broken).set_index("block")
    assert not result.loc["fan2018.table2.sex.peers", "consistency"]


def test_p_check_catches_a_wrong_statistic(registry):
    broken = registry.copy()
    broken.loc[broken["id"] == "fan2018.table2.sex.peers_vs_consumers.statistic",
               "printed"] = "3.37"
    result = check_p_values(broken).set_index("id")
    assert not result.loc["fan2018.table2.sex.peers_vs_consumers.p", "consistency"]


def test_unexpected_reports_both_directions():
    checks = pd.DataFrame({"check": ["p", "p", "sum"], "id": ["a", "b", "c"],
                           "consistency": [False, True, True]})
    findings = pd.DataFrame({"id": ["b", "zz"], "check": ["p", "p"], "reason": ["x", "y"]})
    problems = unexpected(checks, findings).set_index("id")["problem"]
    assert problems["a"].startswith("new failure")
    assert problems["b"] == "listed finding now passes"
    assert problems["zz"] == "listed finding is not checked at all"


# --- the loader fails loudly, naming file, line and column ------------------------------

def _write(tmp_path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    frame = pd.DataFrame(rows, columns=header or REGISTRY_COLUMNS)
    path = tmp_path / "registry.csv"
    frame.to_csv(path, index=False)
    return path


GOOD = {
    "id": "fan2018.table2.sex_male.peers.count", "paper": "fan2018", "location": "Table 2",
    "item": "Sex: Male", "group": "Peers", "quantity": "count", "test": "", "printed": "8",
    "decimals": "0", "block": "", "denominator": "", "context": "Male 8 66.7",
}


def test_loader_accepts_a_good_row(tmp_path):
    assert len(load_registry(_write(tmp_path, [GOOD]))) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "mean_value"}, "column 'quantity'"),
        ({"printed": "8%"}, "column 'printed'"),
        ({"printed": "8.0"}, "column 'decimals'"),
        ({"paper": "fan2020"}, "column 'paper'"),
        ({"id": "Fan2018.Table2"}, "column 'id'"),
        ({"location": "Discussion"}, "column 'location'"),
        ({"test": "chi2"}, "column 'test'"),
        ({"denominator": "fan2018.nowhere.n"}, "column 'denominator'"),
        ({"context": " "}, "column 'context'"),
        ({"quantity": "p", "id": "fan2018.table2.sex_male.peers.p", "test": "chi2",
          "printed": "1.5", "decimals": "1"}, "p-value lies in"),
        ({"quantity": "percent", "id": "fan2018.table2.sex_male.peers.percent",
          "printed": "101"}, "percent lies in"),
        ({"quantity": "statistic", "id": "fan2018.table2.sex.peers.statistic"},
         "column 'test'"),
    ],
)
def test_loader_rejects_bad_values(tmp_path, change, message):
    path = _write(tmp_path, [{**GOOD, **change}])
    with pytest.raises(InputError, match=re.escape(message)) as error:
        load_registry(path)
    assert "registry.csv, line 2" in str(error.value)


def test_loader_rejects_duplicate_ids(tmp_path):
    path = _write(tmp_path, [GOOD, GOOD])
    with pytest.raises(InputError,
                       match=r"line 3, column 'id'.*duplicate id \(first on line 2\)"):
        load_registry(path)


def test_loader_rejects_missing_column(tmp_path):
    path = _write(tmp_path, [GOOD], header=[c for c in REGISTRY_COLUMNS if c != "decimals"])
    with pytest.raises(InputError, match=r"line 1: missing column\(s\) \['decimals'\]"):
        load_registry(path)


def test_loader_rejects_ragged_line(tmp_path):
    path = _write(tmp_path, [GOOD])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("fan2018.x.count,fan2018,Table 2,Item, with a comma\n")
    with pytest.raises(InputError, match="line 3: 5 fields, expected 12"):
        load_registry(path)


def test_loader_rejects_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_registry(tmp_path / "nope.csv")
