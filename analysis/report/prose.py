"""The narrative of the notebooks, written from computed values.

Issue 15: no number is typed into a notebook's prose. A paragraph that states a number is a
code cell (tagged ``remove-input``, so that the course and the rendered pages show only the
paragraph) calling :func:`say` with an f-string whose numbers come from the registry (printed
numbers) or from the notebook's results (reproduced numbers). Under any parameter, the prose
and the outputs therefore say the same thing; ``tests/test_prose.py`` fails on a decimal,
percentage or count typed into a markdown cell.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.io.registry import printed_text
from analysis.printed.rounding import decimals_of, format_half_away

__all__ = [
    "TYPED_NUMBER",
    "chapter_note",
    "decimals",
    "fmt",
    "say",
    "typed_counts",
    "typed_numbers",
    "typeset",
    "verdict",
]

#: A decimal number or a percentage typed into text (DOIs and links are removed first).
TYPED_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?\s?%|\d+\.\d+)")
_LINKS = re.compile(r"doi:\S+|https?://\S+|\(\S+\.(?:csv|py|ipynb|md)\)")


#: What an integer in prose may be without being a typed result: a year or a span of years, the
#: label of a table, figure, notebook or check, a heading, a list or step marker, a citation's
#: volume:pages, the name of a test with its df, a file or code span.
LABELS = re.compile(r"""
    `[^`]*`
  | \b(?:19|20)\d\d(?:[–-](?:19|20)?\d\d)?\b
  | \b(?:Tables?|Figs?\.|Figure|notebooks?|Check|stage)\s\d+(?:[–-]\d+)?
  | ^\#.*$
  | ^\s*\d+\.\s
  | \(\d\)
  | \b\d+:\d+(?:[–-]\d+)?
  | χ²\(\d+\)
  | \b0\d(?:[–-]0\d)?\b
""", re.X | re.M)
_INTEGER = re.compile(r"(?<![\w.])\d+(?![\w])")


def say(text: str) -> None:
    """Show ``text`` as a Markdown paragraph of the notebook's narrative (nothing for an
    empty text: a paragraph said only when its finding holds)."""
    from IPython.display import Markdown, display

    if text:
        display(Markdown(text))


def typeset(registry: pd.DataFrame, row_id: str) -> str:
    """The number of registry row ``row_id`` as typeset: exactly as printed, with the minus
    sign of print (the registry keeps the ASCII one)."""
    return printed_text(registry, row_id).replace("-", "−")


def fmt(value: float, decimals: int) -> str:
    """``value`` rounded half away from zero (SPSS) to ``decimals``, a minus sign as in print."""
    return format_half_away(value, decimals).replace("-", "−")


def decimals(text: str) -> int:
    """How many decimals a printed number has (``"0.197"`` -> 3, ``"−2.99"`` -> 2):
    :func:`analysis.printed.rounding.decimals_of`, the one owner of decimal places."""
    return decimals_of(text.replace("=", "").strip())


def typed_numbers(markdown: str) -> list[str]:
    """The decimal numbers and percentages typed into ``markdown`` (links and DOIs aside)."""
    return [m.group(0) for m in TYPED_NUMBER.finditer(_LINKS.sub("", markdown))]


def typed_counts(markdown: str) -> list[str]:
    """The whole numbers typed into ``markdown`` that are not labels (:data:`LABELS`): a count,
    n, df or bound typed into prose instead of said from the registry or a result."""
    return _INTEGER.findall(LABELS.sub(" ", _LINKS.sub("", markdown)))


#: ``{verdict:<conclusion id>}`` in a chapter note of the book (``book/chapters.csv``).
_VERDICT = re.compile(r"\{verdict:([\w.]+)\}")


def verdict(row: pd.Series) -> str:
    """One conclusion of ``reports/conclusions.csv`` and how it fared, in words: as printed,
    under every defensible analysis choice (notebook 05's multiverse) and, where it was
    asked, over every dataset consistent with the printed numbers."""
    statement = f"“{row['statement'].rstrip('.')}”"
    choices = {"fails": "it fails under every defensible analysis choice",
               "mixed": "it holds under some defensible analysis choices and fails under others",
               "unresolved": "under the defensible analysis choices it cannot be settled (an input "
                             "cannot be bounded)"}
    data = {"holds": "it holds over every consistent dataset",
            "fails": "it fails over every consistent dataset",
            "mixed": "it holds for some consistent datasets and fails for others",
            "unresolved": "over the consistent datasets it cannot be settled"}
    if row["all_choices"] == "holds":
        text = f"{statement} holds under every defensible analysis choice"
    elif row["all_choices"] in choices:
        lead = {"holds": "holds as printed, but", "fails": "fails as printed, and"}.get(
            row["as_printed"], "is not tested as printed;")
        worst = str(row.get("worst", "") or "") or str(row["breaks"]).split(";")[0].strip()
        text = f"{statement} {lead} {choices[row['all_choices']]}" + (
            f" (most of all {worst})" if row["all_choices"] == "mixed" and worst else "")
    else:
        text = f"{statement} is not a test the multiverse can rerun"
    estimate = ("; one of its p-values is a Monte Carlo estimate, judged over its exact "
                "confidence interval" if str(row.get("estimated", "") or "") else "")
    return (text + estimate + (f"; {data[row['over_data']]}" if row["over_data"] in data else "")
            + ".")


def chapter_note(text: str, conclusions: pd.DataFrame) -> str:
    """A chapter note of the book with each ``{verdict:<id>}`` replaced by :func:`verdict` of
    that conclusion, so that a takeaway cannot claim more than notebook 05 computed."""
    by_id = conclusions.set_index("id")

    def one(match: re.Match) -> str:
        if match.group(1) not in by_id.index:
            raise KeyError(f"book/chapters.csv: no conclusion {match.group(1)!r} "
                           "in reports/conclusions.csv")
        return verdict(by_id.loc[match.group(1)])

    return _VERDICT.sub(one, text)
