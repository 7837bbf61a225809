"""No result typed by hand: the README, the data READMEs and the notebooks' prose state results
only in blocks rendered from the reports, and those blocks agree with the reports.

A number in prose is accepted when it is not a result: a number the papers print (quoted from
the registry), a year, a citation (volume:page, doi), a version, a Unicode code point, a
table, figure, notebook or section number, a df in a statistic's name, a threshold of 0.05,
a seed, or anything inside inline code. Everything else must come from a computed block
(``<!-- computed: NAME -->``, :mod:`analysis.report.documents`) or from a code cell's output.
Numbers written as words are not checked.
"""

from __future__ import annotations

import json
import re

import pytest

from analysis.io import paths
from analysis.printed.rounding import parse_printed
from analysis.report.documents import BLOCK, DOCUMENTS, render, stale_blocks

NUMBER = re.compile(r"(?<![\w.^/+-])[−-]?\d+(?:,\d{3})*(?:\.\d+)?")
NOT_RESULTS = [
    re.compile(r"`[^`]*`"),                                   # inline code
    re.compile(r"\$[^$]*\$"),                                 # inline maths
    re.compile(r"(?:doi:|https?://)\S+"),                     # citations and links
    re.compile(r"\b\d+;\d+:\d+\b|\b\d+:\d+\b"),               # volume;issue:page, vol:page
    re.compile(r"\b\d+\.\d+\.\d+\b"),                         # versions
    re.compile(r"U\+[0-9A-F]{4}"),                            # code points
    re.compile(r"\b(?:19|20)\d\d(?:H[12])?\b"),               # years, six-month periods
    re.compile(r"(?:Tables?|Figs?\.|Figures?|[Nn]otebooks?|[Ss]ections?|S)\s*\d+"
               r"(?:\s*(?:–|-|and|,)\s*\d+)*"),               # document parts
    re.compile(r"(?:χ²|chi2|t)\(\d+\)"),                      # df in a statistic's name
    re.compile(r"\b0\.05\b"),                                 # the conventional threshold
    re.compile(r"(?:seed|default)\s+\d+"),                    # parameters
    re.compile(r"\b\d\d_[a-z_]+|^#+\s*\d\d\s*·", re.MULTILINE),  # notebook names, titles
    re.compile(r"Python \d+\.\d+"),                          # requirements
]


def _printed(registry) -> set[str]:
    found = set()
    for text in registry["printed"]:
        found.add(text)
        found.add(text.split("×")[0])  # the mantissa of 8.33×10^-3
        try:
            found.add(str(parse_printed(text).value))
        except (ValueError, ArithmeticError):
            continue
    return found


def typed_numbers(text: str, printed: set[str]) -> list[str]:
    """Numbers in ``text`` (computed blocks removed) that look like typed results."""
    text = BLOCK.sub("", text)
    for pattern in NOT_RESULTS:
        text = pattern.sub(" ", text)
    found = []
    for match in NUMBER.finditer(text):
        number = match.group().replace("−", "-").replace(",", "")
        if number in printed or number.lstrip("-") in printed:
            continue
        found.append(f"{number!r} in …{text[max(0, match.start() - 50):match.end() + 30]!r}")
    return found


def _documents() -> list[str]:
    return [*DOCUMENTS, *(str(p.relative_to(paths.ROOT))
                          for p in sorted(paths.DATA.glob("*/README.md"))
                          if str(p.relative_to(paths.ROOT)) not in DOCUMENTS)]


@pytest.mark.parametrize("name", _documents())
def test_documents_state_no_typed_result(name, registry):
    text = (paths.ROOT / name).read_text(encoding="utf-8")
    assert typed_numbers(text, _printed(registry)) == []


@pytest.mark.parametrize("notebook", sorted(p.name for p in paths.NOTEBOOKS.glob("*.ipynb")))
def test_notebook_prose_states_no_typed_result(notebook, registry):
    cells = json.loads((paths.NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    prose = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert typed_numbers(prose, _printed(registry)) == []


def test_the_scan_sees_a_typed_result(registry):
    printed = _printed(registry)
    assert typed_numbers("n = 41 is the only n that fits", printed)
    assert not typed_numbers("Table 4 prints `n = 42` (doi:10.1/x, 2019;19:360)", printed)
    assert not typed_numbers("<!-- computed: headline -->\n41\n<!-- /computed: headline -->",
                             printed)


def test_computed_blocks_agree_with_the_reports():
    assert stale_blocks() == []


def test_a_stale_block_is_found(tmp_path):
    for name in DOCUMENTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((paths.ROOT / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    readme = tmp_path / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert "<!-- computed: headline -->" in text
    readme.write_text(text.replace("<!-- computed: headline -->\n",
                                   "<!-- computed: headline -->\nOf the 999 numbers\n"),
                      encoding="utf-8")
    assert stale_blocks(tmp_path) == ["README.md: headline"]


def test_an_unknown_block_is_an_error():
    with pytest.raises(KeyError, match="no computed block"):
        render("<!-- computed: nothing -->\n<!-- /computed: nothing -->", {})
