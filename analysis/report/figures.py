"""Figures, drawn from data and saved deterministically.

:func:`enrolment_flow` redraws fan2019 Fig. 1 (enrolment and flow of participants). Every
number in a box is counted from the participant table. :func:`save` writes PNG and SVG
without timestamps, with a fixed SVG hash salt, so that rerunning gives identical files.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np

mpl.use("agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from analysis.evidence.words import correction_words, n_words, variant_words
from analysis.io.design import COMMUNITY_LABEL, COMMUNITY_START, COMMUNITY_WAVE, period_table
from analysis.io.files import FILE_MODE
from analysis.printed.significance import ALPHA

__all__ = ["Shown", "benefit_by_group", "category_shares", "enrolment_flow", "inline", "save",
           "sessions_by_period", "specification_curve", "specification_keys",
           "whisker_span"]

mpl.rcParams["svg.hashsalt"] = "peer-support-repro"
mpl.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, and scanned for leaks


def _box(
    ax: plt.Axes,
    x: float,
    y: float,
    text: str,
    width: float = 0.21,
    height: float = 0.12,
    colour: str = "#eef3f8",
) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.008",
            facecolor=colour,
            edgecolor="#34495e",
            linewidth=0.8,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=7.2, wrap=True)


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate(
        "", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "#34495e", "lw": 0.8}
    )


def _flow_column(ax: plt.Axes, x: float, mine: pd.DataFrame, label: str, carers: int,
                 mark: str = "") -> None:
    """One column of fan2019 Fig. 1: recruited, not evaluated, evaluated, caregivers.
    ``mark`` follows the numbers the paper does not publish (consumers' communities and the
    caregivers' split by wave, in the synthetic data)."""
    sites = mine["community"].value_counts(sort=False)
    site_text = ", ".join(f"{COMMUNITY_LABEL[c]} {n}" for c, n in sites.items())
    if mark and label == "consumers":
        site_text = f"{site_text}{mark}"
    _box(ax, x, 0.82, f"Recruited {label}\nn = {len(mine)}\n({site_text})")
    lost = mine[mine["evaluated"] == "no"]
    reasons = lost["dropout_reason"].replace("", "reason not reported").value_counts()
    reason_text = "\n".join(f"{r} ({n})" for r, n in reasons.items()) or "none"
    _box(ax, x, 0.58, f"Not evaluated\nn = {len(lost)}\n{reason_text}", colour="#fbeee6",
         height=0.13)
    evaluated = mine[mine["evaluated"] == "yes"]
    months = ", ".join(sorted(evaluated["followup_month"].unique()))
    _box(ax, x, 0.34, f"Evaluated at {months}-month\nfollow-up\nn = {len(evaluated)}",
         colour="#e8f6ec")
    _box(ax, x, 0.11, f"Caregivers of {label}\ninterviewed\nn = {carers}{mark}",
         colour="#f4f0fa")
    _arrow(ax, (x, 0.76), (x, 0.655))
    _arrow(ax, (x, 0.515), (x, 0.40))
    _arrow(ax, (x, 0.28), (x, 0.17))


def _wave_start(wave: str) -> str:
    """When a wave's service started, as "July 2013" (``data/design/communities.csv``)."""
    return min(start for community, start in COMMUNITY_START.items()
               if COMMUNITY_WAVE[community] == wave).strftime("%B %Y")


def enrolment_flow(people: pd.DataFrame, real: bool = False) -> plt.Figure:
    """fan2019 Fig. 1: for each wave and role, people recruited (by community), lost before
    follow-up (with the reason where known), evaluated at follow-up, and caregivers
    interviewed. All numbers are counted from ``people`` (see
    :mod:`analysis.io.participants`); ``real``: they are the user's data, and the footnote
    says so."""
    patients = people[people["role"].isin(["peer", "consumer"])]
    carers = people[people["role"] == "caregiver"]
    cared = carers["cares_for"].map(people.set_index("person_id")["role"])
    figure, ax = plt.subplots(figsize=(10, 6.2))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    for wave, x in (("initial", 0.26), ("later", 0.74)):
        ax.text(x, 0.97, f"{wave.capitalize()} communities (from {_wave_start(wave)})",
                ha="center", fontsize=9, weight="bold")
    columns = {("initial", "peer"): 0.14, ("initial", "consumer"): 0.38,
               ("later", "peer"): 0.62, ("later", "consumer"): 0.86}
    for (wave, role), x in columns.items():
        mine = patients[(patients["wave"] == wave) & (patients["role"] == role)]
        n_carers = int(((cared == role) & (carers["wave"] == wave)).sum())
        _flow_column(ax, x, mine, "providers" if role == "peer" else "consumers", n_carers,
                     "" if real else " †")
    note = ("Counted from your data, in the layout of Fan et al., BMC Psychiatry "
            "2019;19:360, Fig. 1" if real else
            "† not published: the consumers' communities and the caregivers' split by wave "
            "come from the synthetic participant data.\nEvery other number is as published. "
            "Redrawn from Fan et al., BMC Psychiatry 2019;19:360, Fig. 1")
    ax.text(0.5, 0.0, note, ha="center", va="bottom", fontsize=7, color="#444444",
            wrap=True)
    figure.tight_layout()
    return figure


def save(figure: plt.Figure, path: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Save ``figure`` as ``path`` with each suffix, without dates in the metadata, then
    close it. Each file is written to a temporary name and moved into place."""
    written = []
    for suffix in formats:
        target = path.with_suffix(f".{suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        os.close(handle)
        temporary = Path(name)  # a name of its own: two runs never share one
        metadata = {"Date": None} if suffix == "svg" else {"Software": None}
        try:
            figure.savefig(temporary, format=suffix, dpi=150, metadata=metadata)
            temporary.chmod(FILE_MODE)
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
        written.append(target)
    plt.close(figure)
    return written


@dataclass(frozen=True)
class Shown:
    """A saved figure as a notebook shows it: its PNG inline, with alt text that says what it
    shows, so that the executed notebooks, their rendered pages and the course show every
    figure a notebook draws (WCAG 2.1, 1.1.1: non-text content has a text alternative)."""

    png: Path
    alt: str

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png.read_bytes()).decode("ascii")
        return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" '
                'style="max-width: 100%">')

    def __repr__(self) -> str:
        return f"figure: {self.alt}"


def inline(written: list[Path], alt: str) -> Shown:
    """The PNG among the files :func:`save` wrote, to show with ``alt``."""
    return Shown(next(p for p in written if p.suffix == ".png"), alt)


def whisker_span(ranges: pd.DataFrame) -> str:
    """What fan2018 Fig. 1's whiskers show: the exact range over every consistent table
    (proved by the solver) when ``ranges`` has it, else the range over sampled tables."""
    if "exact_min" in ranges.columns:
        return "exact range over every table"
    return "range over the sampled tables (not a bound)"


def sessions_by_period(ranges: pd.DataFrame, source: str) -> plt.Figure:
    """fan2018 Fig. 1, redrawn: sessions per community per six-month period.

    ``ranges`` is :func:`analysis.stages.service_process.cell_ranges`: bars show
    ``table_used``, the whiskers the exact range over every consistent table
    (``exact_min`` to ``exact_max``), or, without it, the range among the sampled tables
    (said so on the figure).
    ``source`` says where the bar heights come from (synthetic, your data, or read off the figure)
    and is printed on the figure.
    """
    periods = list(dict.fromkeys(ranges["period"]))
    communities = list(dict.fromkeys(ranges["community"]))
    colours = ["#1f4e79", "#4f81bd", "#c0504d", "#f79646"]
    exact = "exact_min" in ranges.columns
    low_col, high_col = ("exact_min", "exact_max") if exact else ("sampled_min", "sampled_max")
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    width = 0.8 / len(communities)
    for k, community in enumerate(communities):
        part = ranges[ranges["community"] == community].set_index("period").loc[periods]
        x = [i + (k - (len(communities) - 1) / 2) * width for i in range(len(periods))]
        ax.bar(x, part["table_used"], width=width * 0.92, color=colours[k % len(colours)],
               label=COMMUNITY_LABEL.get(community, community))
        active = part["band_high"] > 0
        low = (part["table_used"] - part[low_col])[active].clip(lower=0)
        high = (part[high_col] - part["table_used"])[active].clip(lower=0)
        ax.errorbar([xi for xi, a in zip(x, active, strict=True) if a],
                    part["table_used"][active], yerr=[low, high], fmt="none",
                    ecolor="#222222", elinewidth=0.7, capsize=2)
    ax.set_xticks(range(len(periods)))
    labels = period_table().set_index("period")["label"]
    ax.set_xticklabels([labels[p] for p in periods], fontsize=8)
    ax.set_ylabel("Peer support sessions")
    ax.set_xlabel("Six-month period")
    ax.set_title("Sessions per community per 6-month period (fan2018 Fig. 1, redrawn)",
                 fontsize=9.5)
    ax.legend(fontsize=8, frameon=False, ncol=4, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    span = whisker_span(ranges)
    fig.text(0.01, 0.01, f"Bars: {source}. Whiskers: {span} consistent with the text (214 "
             "sessions, χ²(15) = 48.75, stated frequencies).", fontsize=6.5)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def category_shares(ranges: pd.DataFrame, source: str) -> plt.Figure:
    """fan2018 Fig. 2, redrawn: share of sessions per content category.

    ``ranges`` has ``label``, ``percent`` (the bars), ``min_percent``, ``max_percent`` (the
    whiskers: every share consistent with the text) and ``printed`` (a printed share, or "").
    """
    order = ranges.sort_values(["percent", "label"], ascending=[True, False])
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    colours = ["#1f4e79" if p else "#9fb6cd" for p in order["printed"]]
    y = range(len(order))
    ax.barh(y, order["percent"], color=colours, height=0.7)
    # values read off a figure may fall just outside the exact range: no negative whisker
    ax.errorbar(order["percent"], y,
                xerr=[(order["percent"] - order["min_percent"]).clip(lower=0),
                      (order["max_percent"] - order["percent"]).clip(lower=0)],
                fmt="none", ecolor="#222222", elinewidth=0.7, capsize=2)
    for yi, (_, row) in zip(y, order.iterrows(), strict=True):
        note = f"printed {row['printed']}%" if row["printed"] else "not printed"
        ax.text(row["max_percent"] + 0.4, yi, note, va="center", fontsize=7)
    ax.set_yticks(list(y))
    ax.set_yticklabels(order["label"], fontsize=8)
    ax.set_xlabel("Share of the 214 sessions (%)")
    ax.set_xlim(0, max(order["max_percent"]) + 7)
    ax.set_title("Content categories (fan2018 Fig. 2, redrawn)", fontsize=9.5)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, f"Bars: {source}; dark = share printed in the text. Whiskers: every "
             "share consistent with the text.", fontsize=6.5)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def benefit_by_group(comparisons: pd.DataFrame, providers: int, consumers: int,
                     labels: dict[str, str] | None = None) -> plt.Figure:
    """fan2019 Table 3 as a figure: share answering yes to each perceived-benefit item,
    providers vs consumers; items whose adjusted p is below
    :data:`analysis.printed.significance.ALPHA` are marked.

    ``comparisons`` is :func:`analysis.stages.outcome_tables.benefit_comparisons`;
    ``labels`` maps each question to the row label Table 3 prints (the registry's ``item``).
    """
    data = comparisons.iloc[::-1].reset_index(drop=True)
    labels = [(labels or {}).get(q, q.replace("_", " ")) for q in data["question"]]
    fig, ax = plt.subplots(figsize=(7.5, 5.6))
    y = range(len(data))
    p_share = 100 * data["providers_yes"] / providers
    c_share = 100 * data["consumers_yes"] / consumers
    for yi, a, b in zip(y, p_share, c_share, strict=True):
        ax.plot([a, b], [yi, yi], color="#bbbbbb", lw=1.5, zorder=1)
    ax.scatter(p_share, y, color="#1f4e79", label=f"Peer service providers (n = {providers})",
               zorder=2)
    ax.scatter(c_share, y, color="#f79646", label=f"Consumers (n = {consumers})", zorder=2)
    for yi, significant in zip(y, data["significant"], strict=True):
        if significant:
            ax.text(101, yi, "*", va="center", fontsize=12)
    ax.set_yticks(list(y))
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xlim(0, 105)
    ax.set_xlabel("Answered yes (%)")
    ax.set_title("Perceived benefit, providers vs consumers (fan2019 Table 3)", fontsize=9.5,
                 pad=22)
    ax.legend(fontsize=7.5, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, f"Counts as published. * p < {ALPHA:g} after correction for "
             f"{len(data)} tests.", fontsize=6.5)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


#: Colours of the multiple-testing corrections in :func:`specification_curve`.
CORRECTION_COLOURS = {"none": "#2c3e50", "bonferroni": "#c0392b", "holm": "#d68910",
                      "bh": "#2e86c1"}

#: Marker of each test variant in :func:`specification_curve` (filled: n as printed).
VARIANT_MARKERS = {"pearson": "o", "likelihood_ratio": "s", "fisher": "D", "yates": "^",
                   "exact_binomial": "v", "pooled_t": "P", "welch_t": "X",
                   "mann_whitney": "*", "quasi_independence": "<", "rao_scott": ">",
                   "any": "h"}


def _marker(variant: str) -> str:
    """The marker of a test variant; a variant without its own shares the hexagon."""
    return VARIANT_MARKERS.get(variant, "h")


def _spec_marks(ax: plt.Axes, rows: list[tuple[float, pd.DataFrame]], floor: float) -> None:
    """Every conclusion's specifications (``rows``: its height and its specifications): a
    marked dot per p known exactly, a bar with marked ends per exact range (dotted where only
    sampled), a ring round the paper's own choice. Marks are the specification's test's
    marker in its correction's colour, filled when n is as printed and hollow under another
    reading. Marks of one kind are drawn together, one artist each (a figure of thousands of
    specifications draws in a fraction of a second)."""
    offsets = {c: (k - 1.5) * 0.16 for k, c in enumerate(CORRECTION_COLOURS)}
    bars: dict[tuple, tuple[list[float], list[float]]] = {}
    marks: dict[tuple, tuple[list[float], list[float]]] = {}
    rings: tuple[list[float], list[float]] = ([], [])
    for y, specs in rows:
        for spec in specs.itertuples(index=False):
            if spec.basis.startswith("not computed"):
                continue
            low, high = max(spec.p_low, floor), max(spec.p_high, floor)
            level = y + offsets[spec.correction]
            ends = [low, high] if high > low * 1.0001 else [low]
            if len(ends) == 2:
                style = ":" if spec.basis.startswith("sampled") else "-"
                xs, ys = bars.setdefault((spec.correction, style), ([], []))
                xs.extend([low, high, np.nan])  # NaN: a gap, so one line draws every bar
                ys.extend([level, level, np.nan])
            filled = spec.n_choice in ("", "as printed")
            xs, ys = marks.setdefault((spec.correction, _marker(spec.variant), filled), ([], []))
            xs.extend(ends)
            ys.extend([level] * len(ends))
            if spec.paper_choice:
                rings[0].append(low)
                rings[1].append(level)
    for (correction, style), (xs, ys) in bars.items():
        ax.plot(xs, ys, color=CORRECTION_COLOURS[correction], lw=1.0, alpha=0.6, ls=style)
    for (correction, marker, filled), (xs, ys) in marks.items():
        colour = CORRECTION_COLOURS[correction]
        ax.plot(xs, ys, ls="none", marker=marker, mfc=colour if filled else "white",
                mec=colour, ms=3.6, mew=0.8, alpha=0.85)
    ax.plot(*rings, ls="none", marker="o", mfc="none", mec="black", ms=8, mew=1.0)


def _first_upper(words: str) -> str:
    """``words`` with its first letter upper case and the rest as written."""
    return words[:1].upper() + words[1:]


def specification_keys(specs: pd.DataFrame) -> dict[str, list[tuple[str, Line2D]]]:
    """The legend of a specification curve, by the choice it names: every correction, every
    test variant and every reading of n that ``specs`` holds, each with its mark and in
    words (:mod:`analysis.evidence.words`), so each specification can be read off the plot."""
    keys: dict[str, list[tuple[str, Line2D]]] = {"correction": [], "test": [], "n": []}
    for name in [c for c in CORRECTION_COLOURS if c in set(specs["correction"])]:
        keys["correction"].append((_first_upper(correction_words(name)), Line2D(
            [], [], ls="none", marker="o", color=CORRECTION_COLOURS[name])))
    order = list(VARIANT_MARKERS)
    for variant in sorted(set(specs["variant"]),
                          key=lambda v: (order.index(v) if v in order else len(order), v)):
        keys["test"].append((_first_upper(variant_words(variant)), Line2D(
            [], [], ls="none", marker=_marker(variant), color="#555555")))
    for n_choice in sorted(set(specs["n_choice"]), key=lambda n: (n != "as printed", n)):
        face = "#555555" if n_choice == "as printed" else "white"
        keys["n"].append((_first_upper(n_words(n_choice) or "as printed"), Line2D(
            [], [], ls="none", marker="o", mfc=face, mec="#555555")))
    return keys


def _spec_legends(fig: plt.Figure, keys: dict, top: float) -> None:
    """The three legends of :func:`specification_curve` below the plot (their tops at figure
    height ``top``), one per choice."""
    titles = {"correction": "Colour: correction", "test": "Marker: test",
              "n": "Fill: reading of n"}
    for k, (choice, entries) in enumerate(keys.items()):
        fig.legend([m for _, m in entries], [w for w, _ in entries], title=titles[choice],
                   loc="upper left", bbox_to_anchor=(0.02 + 0.33 * k, top), fontsize=6,
                   title_fontsize=6.5, frameon=False, alignment="left")


def specification_curve(specs: pd.DataFrame, summary: pd.DataFrame, alpha: float
                        ) -> plt.Figure:
    """Every conclusion of one paper (rows) under every specification (test variant, n and
    correction): its p, or its exact range over the consistent datasets, on a log scale,
    with the threshold; the paper's own choice ringed (Simonsohn, Simmons & Nelson 2020).
    Each specification is labelled by its marks: colour for the correction, marker for the
    test, fill for the reading of n (:func:`specification_keys`)."""
    rows = summary[summary["id"].isin(specs["conclusion"])].reset_index(drop=True)
    floor = 1e-8
    keys = specification_keys(specs)
    legend_inches = 0.16 * max(len(v) for v in keys.values()) + 0.5
    fig, ax = plt.subplots(figsize=(9.5, 0.42 * len(rows) + 1.8 + legend_inches))
    by_conclusion = dict(tuple(specs.groupby("conclusion", sort=False)))
    _spec_marks(ax, [(-y, by_conclusion[row.id]) for y, row in
                     enumerate(rows.itertuples(index=False))], floor)
    ax.axvline(alpha, color="#7f8c8d", ls="--", lw=0.9)
    ax.set_xscale("log")
    ax.set_xlim(floor / 2, 1.5)
    labels = [f"{r.statement[:70]}{'…' if len(r.statement) > 70 else ''} [{r.all_choices}]"
              for r in rows.itertuples(index=False)]
    ax.set_yticks([-y for y in range(len(rows))], labels, fontsize=6.5)
    ax.set_xlabel(f"p (log scale; dashed line: {alpha})\nbars: the exact range over the "
                  "consistent datasets,\ndotted where only sampled; ringed: the paper's own "
                  "choice", fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    share = legend_inches / fig.get_figheight()
    _spec_legends(fig, keys, share)
    fig.tight_layout(rect=(0, share, 1, 1))
    return fig
