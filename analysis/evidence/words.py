"""Analysis choices in the words a person reads: "Welch's t, Bonferroni over 8 tests", not
``welch_t, bonferroni``. One owner for the names of tests, choices of n and corrections, used
by the conclusions table, the page, the letter, the figures and the book."""

from __future__ import annotations

__all__ = ["CORRECTION_WORDS", "VARIANT_WORDS", "choice_words", "correction_words",
           "n_words", "variant_words"]

VARIANT_WORDS = {
    "pearson": "Pearson's chi-square",
    "likelihood_ratio": "the likelihood-ratio chi-square",
    "fisher": "Fisher's exact test",
    "yates": "Yates-corrected chi-square",
    "exact_binomial": "the exact binomial test",
    "pooled_t": "Student's t (pooled variances)",
    "welch_t": "Welch's t",
    "mann_whitney": "the Mann-Whitney U test",
    "quasi_independence": "the test of quasi-independence (cells zero by design left out)",
    "rao_scott": "Rao-Scott-corrected chi-square (people counted more than once)",
    "any": "any test (its inputs are not printed)",
}

CORRECTION_WORDS = {"none": "no correction", "bonferroni": "Bonferroni", "holm": "Holm",
                    "bh": "Benjamini-Hochberg"}


def variant_words(variant: str) -> str:
    """A test variant in words (an unknown id is returned as it is, with spaces)."""
    return VARIANT_WORDS.get(variant, variant.replace("_", " "))


def n_words(n_choice: str) -> str:
    """A choice of n in words, or "" for the n as printed."""
    if n_choice in ("", "as printed"):
        return ""
    if n_choice == "assessed only":
        return "on those assessed only"
    return f"on {n_choice}" if n_choice[0].isdigit() or n_choice.startswith("all") else \
        n_choice


def correction_words(correction: str, family_size: int | str = "") -> str:
    """A multiple-testing correction in words, with the size of its family."""
    words = CORRECTION_WORDS.get(correction, correction)
    if correction == "none" or family_size in ("", None):
        return words
    size = int(family_size)
    return f"{words} over {size} test{'' if size == 1 else 's'}"


def choice_words(variant: str, n_choice: str = "as printed", correction: str = "none",
                 family_size: int | str = "") -> str:
    """One specification in words: "Welch's t, Bonferroni over 8 tests"."""
    test = variant_words(variant)
    n = n_words(n_choice)
    return ", ".join(part for part in (f"{test} {n}".strip(),
                                      correction_words(correction, family_size)) if part)
