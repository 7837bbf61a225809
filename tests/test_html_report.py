"""reports/reproduction.html: built from the CSV, self-contained, and rendered by a real
browser (headless Chromium) with the right counts and every figure loaded."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from analysis.io import paths
from analysis.report.page import CURVES, FIGURES, build_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def report():
    return pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)


def test_committed_page_is_current(report):
    page = paths.REPORTS / "reproduction.html"
    assert page.read_text(encoding="utf-8") == build_html(report), "rerun make reproduce"


def test_page_is_self_contained(report):
    text = build_html(report)
    assert not re.search(r"(src|href)=\"https?://", text)
    assert text.count("data:image/png;base64,") == sum(
        (paths.FIGURES / f"{stem}.png").is_file() for stem in {**FIGURES, **CURVES})
    for row_id in report["id"]:
        assert f'id="{row_id}"' in text


def test_page_counts_equal_the_csv(report):
    text = build_html(report)
    counts = report.groupby(["paper", "status"]).size()
    for (paper, status), number in counts.items():
        assert f'id="count-{paper}-{status}">{number}<' in text
    assert f'id="count-all-all">{len(report)}<' in text


def _browser():
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def test_page_renders_in_headless_chromium(report, tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("Chromium is not installed here (Debian: apt-get install chromium); "
                    ".ci/run installs it so CI always runs this test")
    page = paths.REPORTS / "reproduction.html"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
         f"--user-data-dir={tmp_path}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180, check=True)
    dom = result.stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body, "no body rendered"
    attributes = dict(re.findall(r'([a-z-]+)="([^"]*)"', body.group(1)))
    assert attributes.get("data-rendered") == "yes"
    assert int(attributes["data-images-total"]) == sum(
        (paths.FIGURES / f"{stem}.png").is_file() for stem in {**FIGURES, **CURVES}) > 0
    assert attributes["data-images-loaded"] == attributes["data-images-total"]
    for (paper, status), number in report.groupby(["paper", "status"]).size().items():
        assert re.search(rf'id="count-{paper}-{status}">{number}<', dom)
