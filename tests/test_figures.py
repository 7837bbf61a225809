"""Unit tests of analysis/report/figures.py: what each figure says and labels, checked on
small frames built here (not on the pipeline's outputs)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.report import figures


def _spec(variant: str, correction: str, n_choice: str, low: float, high: float,
          basis: str = "printed inputs", chosen: bool = False) -> dict:
    return {"conclusion": "c1", "paper": "p", "variant": variant, "correction": correction,
            "n_choice": n_choice, "p_low": low, "p_high": high, "basis": basis,
            "paper_choice": chosen}


SPECS = pd.DataFrame([
    _spec("pearson", "none", "as printed", 0.01, 0.01, chosen=True),
    _spec("welch_t", "holm", "7 + 5 who rated", 0.02, 0.3,
          "exact over every consistent dataset (3 splits)"),
    _spec("fisher", "bh", "assessed only", 0.04, 0.5, "sampled: 10 tables"),
    _spec("a_new_test", "bonferroni", "as printed", 0.2, 0.2),
    _spec("yates", "none", "as printed", 0, 0, "not computed: the inputs are not printed"),
])
SUMMARY = pd.DataFrame({"id": ["c1"], "statement": ["A conclusion"], "all_choices": ["mixed"]})


def _texts(fig: plt.Figure) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_specification_keys_name_every_choice_the_specifications_hold():
    keys = figures.specification_keys(SPECS)
    words = {choice: [w for w, _ in entries] for choice, entries in keys.items()}
    assert words["correction"] == ["No correction", "Bonferroni", "Holm", "Benjamini-Hochberg"]
    assert words["test"][:3] == ["Pearson's chi-square", "Fisher's exact test",
                                 "Yates-corrected chi-square"]
    assert words["test"][-2:] == ["Welch's t", "A new test"]
    assert words["n"] == ["As printed", "On 7 + 5 who rated", "On those assessed only"]


def test_specification_keys_fill_only_the_printed_n():
    keys = figures.specification_keys(SPECS)
    faces = {w: m.get_markerfacecolor() for w, m in keys["n"]}
    assert faces["As printed"] != "white"
    assert faces["On those assessed only"] == "white" == faces["On 7 + 5 who rated"]


def test_specification_curve_shows_its_keys_and_the_threshold():
    fig = figures.specification_curve(SPECS, SUMMARY, alpha=0.05)
    try:
        texts = _texts(fig)
        for entries in figures.specification_keys(SPECS).values():
            assert {w for w, _ in entries} <= set(texts)
        ax = fig.axes[0]
        assert "0.05" in ax.get_xlabel()
        assert [t.get_text() for t in ax.get_yticklabels()] == ["A conclusion [mixed]"]
        # the not-computed specification draws nothing; the sampled range is dotted
        styles = {line.get_linestyle() for line in ax.get_lines() if line.get_marker() in
                  ("None", None, "")}
        assert ":" in styles
        assert "-" in styles
    finally:
        plt.close(fig)


@pytest.mark.parametrize(("columns", "words"), [
    (["exact_min", "exact_max"], "exact range over every table"),
    (["sampled_min", "sampled_max"], "range over the sampled tables (not a bound)"),
])
def test_whisker_span_says_exact_only_with_the_solver_range(columns, words):
    assert figures.whisker_span(pd.DataFrame(columns=columns)) == words


def test_save_writes_each_format_without_dates_and_inline_shows_the_png(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    written = figures.save(fig, tmp_path / "f.png")
    assert [p.name for p in written] == ["f.png", "f.svg"]
    assert "<dc:date>" not in (tmp_path / "f.svg").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    shown = figures.inline(written, 'a line "from" <0> to 1')
    assert shown.png.name == "f.png"
    assert 'alt="a line &quot;from&quot; &lt;0&gt; to 1"' in shown._repr_html_()
    assert repr(shown) == 'figure: a line "from" <0> to 1'


def test_benefit_by_group_marks_exactly_the_significant_items():
    comparisons = pd.DataFrame({"question": ["a", "b", "c"], "providers_yes": [5, 1, 2],
                                "consumers_yes": [1, 1, 2], "significant": [True, False, True]})
    fig = figures.benefit_by_group(comparisons, providers=6, consumers=6, labels={"a": "Item A"})
    try:
        ax = fig.axes[0]
        assert sum(t.get_text() == "*" for t in ax.texts) == 2
        assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b", "Item A"]
        assert "correction for 3 tests" in fig.texts[0].get_text()
    finally:
        plt.close(fig)
