"""R's statcheck itself, when installed (Debian: ``r-cran-statcheck``), to compare with the
audit of :mod:`analysis.checks.reported_tests` (Nuijten & Epskamp; statcheck 1.4.0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.io import paths

__all__ = ["compare_with_statcheck", "run_statcheck", "statcheck_available"]


_STATCHECK_R = r"""
suppressMessages(library(statcheck))
args <- commandArgs(trailingOnly = TRUE)
out <- NULL
for (i in seq(1, length(args) - 1, by = 2)) {
  text <- paste(readLines(args[i], encoding = "UTF-8", warn = FALSE), collapse = "\n")
  found <- statcheck(text, messages = FALSE)
  if (!is.null(found) && nrow(found) > 0) {
    found$paper <- args[i + 1]
    out <- rbind(out, found[, c("paper", "test_type", "df2", "test_value", "test_comp",
                                "p_comp", "reported_p", "computed_p", "error",
                                "decision_error")])
  }
}
write.csv(out, args[length(args)], row.names = FALSE)
"""


def statcheck_available() -> bool:
    """Whether R's statcheck can be run here (``Rscript`` and the package)."""
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(statcheck)"], capture_output=True,
                           check=False)
    return probe.returncode == 0


def run_statcheck() -> pd.DataFrame:
    """Run statcheck on both papers' texts, thin spaces replaced by spaces (statcheck reads
    no U+2009), and return its findings: ``paper``, ``test_value``, ``p_comp``,
    ``reported_p``, ``error``, ``decision_error`` and the other statcheck columns."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        arguments = []
        for paper, path in paths.PAPER_FILES.items():
            target = Path(folder) / f"{paper}.txt"
            target.write_text(path.read_text(encoding="utf-8").replace("\u2009", " "),
                              encoding="utf-8")
            arguments += [str(target), paper]
        script = Path(folder) / "statcheck.R"
        script.write_text(_STATCHECK_R, encoding="utf-8")
        out = Path(folder) / "statcheck.csv"
        subprocess.run(["Rscript", str(script), *arguments, str(out)], check=True,
                       capture_output=True)
        return pd.read_csv(out)


def compare_with_statcheck(audit: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Each statcheck finding beside the audit's: ``paper``, ``test_value``, ``reported_p``,
    ``statcheck_error``, ``in_audit`` (the audit found the same statistic and p, as often),
    ``audit_inconsistent``, ``agree``."""
    rows = []
    used: dict[int, bool] = {}
    for finding in found.itertuples(index=False):
        candidates = audit[(audit["paper"] == finding.paper)
                           & (audit["statistic"].str.lstrip("-").astype(float)
                              == abs(float(finding.test_value)))
                           & (audit["p"].astype(float) == float(finding.reported_p))]
        match = next((i for i in candidates.index if i not in used), None)
        if match is not None:
            used[match] = True
        inconsistent = (not audit.loc[match, "consistent"]) if match is not None else None
        rows.append({"paper": finding.paper, "test_value": finding.test_value,
                     "reported_p": finding.reported_p, "statcheck_error": bool(finding.error),
                     "in_audit": match is not None, "audit_inconsistent": inconsistent,
                     "agree": match is not None and inconsistent == bool(finding.error)})
    return pd.DataFrame(rows)
