"""Sentences from computed facts: the templates of the notes, the problems and the letter.

Every note, problem and paragraph the package writes about the papers is rendered from a
template (``data/published/problems.csv`` and ``notes.csv``) whose numbers and assertions are
bound to computed :class:`Fact` values, never typed:

``{name}``, ``{name:.2f}``
    the value of fact ``name`` (as the fact shows it, or with a format spec);
``{name.how}``
    how the fact was established ("complete enumeration of ...");
``{printed:ID}``
    the number registry row ``ID`` prints, as printed;
``[[expression]]``
    an assertion over the facts ("[[fisher_p < alpha and pearson_p < alpha]]"), evaluated
    when the text is built and rendered as nothing. A false assertion raises
    :class:`TemplateError`: the build fails, not the reader.

An expression is a small, safe subset of Python (names of facts, numbers, strings,
comparisons, ``and``/``or``/``not``, arithmetic, and the functions of :data:`FUNCTIONS`).
:func:`render` returns the text and the kinds of evidence of the facts it used, so that a
sentence can say how strong it is (:data:`KIND_WORDS`).
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from analysis.printed.compare import compare

__all__ = ["FUNCTIONS", "KINDS", "KIND_WORDS", "Fact", "TemplateError", "evaluate",
           "kind_sentence", "render", "used_facts"]


class TemplateError(ValueError):
    """A template that cannot be rendered truthfully: a false assertion, an unknown fact."""


#: The kinds of evidence a fact can have, strongest first (see :mod:`analysis.evidence`).
KINDS = ("words", "published", "invariant", "dependent", "sampled", "assumed",
         "by_construction")
KIND_WORDS = {
    "words": "the papers' own words",
    "published": "recomputed from printed numbers alone",
    "invariant": "proved over every dataset consistent with the printed numbers",
    "dependent": "a range over the datasets consistent with the printed numbers",
    "sampled": "a sample of the consistent datasets, not a proof",
    "assumed": "an assumption the papers do not state",
    "by_construction": "the reconstruction, which was built to give it",
}


@dataclass(frozen=True)
class Fact:
    """A computed value, how it is shown, its kind of evidence and how it was established."""

    value: object
    kind: str = "published"
    how: str = ""
    shown: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a fact's kind must be one of {KINDS}, not {self.kind!r}")

    def text(self, spec: str = "") -> str:
        if spec:
            return format(self.value, spec)
        if self.shown is not None:
            return self.shown
        if isinstance(self.value, float):
            return f"{self.value:.4g}"
        if isinstance(self.value, list | tuple):
            return _listed([str(v) for v in self.value])
        return str(self.value)


def _listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


#: Functions an assertion may call.
FUNCTIONS: dict[str, Callable] = {
    "abs": abs, "min": min, "max": max, "len": len, "all": all, "any": any,
    "round": round, "isclose": math.isclose,
    "rounds_to": lambda value, printed: compare(value, str(printed)),
}

_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
            ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne,
            ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
               ast.Div: operator.truediv}


def _name(node: ast.Name, facts: Mapping[str, Fact]) -> object:
    if node.id in ("True", "False"):
        return node.id == "True"
    if node.id not in facts:
        raise TemplateError(f"unknown fact {node.id!r}")
    return facts[node.id].value


def _compare(node: ast.Compare, facts: Mapping[str, Fact]) -> bool:
    left = _node(node.left, facts)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _node(right_node, facts)
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _unary(node: ast.UnaryOp, facts: Mapping[str, Fact]) -> object:
    value = _node(node.operand, facts)
    if isinstance(node.op, ast.Not):
        return not value
    if isinstance(node.op, ast.USub):
        return -value
    raise TemplateError("only 'not' and '-' may prefix a value")


def _call(node: ast.Call, facts: Mapping[str, Fact]) -> object:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
        raise TemplateError(f"not an allowed function: {ast.dump(node.func)[:40]}")
    return FUNCTIONS[node.func.id](*(_node(a, facts) for a in node.args))


def _binary(node: ast.BinOp, facts: Mapping[str, Fact]) -> object:
    if type(node.op) not in _ARITHMETIC:
        raise TemplateError("only + - * / are allowed")
    return _ARITHMETIC[type(node.op)](_node(node.left, facts), _node(node.right, facts))


_NODES = {
    ast.Constant: lambda node, facts: node.value,
    ast.Name: _name,
    ast.BoolOp: lambda node, facts: (all if isinstance(node.op, ast.And) else any)(
        _node(v, facts) for v in node.values),
    ast.UnaryOp: _unary,
    ast.Compare: _compare,
    ast.BinOp: _binary,
    ast.Call: _call,
    ast.List: lambda node, facts: [_node(e, facts) for e in node.elts],
    ast.Tuple: lambda node, facts: [_node(e, facts) for e in node.elts],
}


def _node(node: ast.AST, facts: Mapping[str, Fact]) -> object:
    """Evaluate one node of a safe expression."""
    handler = _NODES.get(type(node))
    if handler is None:
        raise TemplateError(f"not allowed in an assertion: {type(node).__name__}")
    return handler(node, facts)


def evaluate(expression: str, facts: Mapping[str, Fact]) -> object:
    """The value of a safe ``expression`` over ``facts`` (see the module docstring)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise TemplateError(f"cannot parse {expression!r}: {error.msg}") from error
    return _node(tree.body, facts)


_FIELD = re.compile(r"\{([^{}]+)\}")
_ASSERTION = re.compile(r"\[\[(.+?)\]\](?!\])")


def used_facts(template: str) -> set[str]:
    """The names of the facts a template uses (in fields and assertions)."""
    names = {field.split(":", 1)[0].split(".", 1)[0] for field in _FIELD.findall(template)
             if not field.startswith("printed:")}
    for expression in _ASSERTION.findall(template):
        names |= {n.id for n in ast.walk(ast.parse(expression.strip(), mode="eval"))
                  if isinstance(n, ast.Name)}
    return names - {"True", "False"} - set(FUNCTIONS)


def _field(field: str, facts: Mapping[str, Fact], printed: Mapping[str, str]) -> str:
    if field.startswith("printed:"):
        row_id = field.split(":", 1)[1]
        if row_id not in printed:
            raise TemplateError(f"no registry row {row_id!r}")
        return printed[row_id]
    name, _, spec = field.partition(":")
    name, _, attribute = name.partition(".")
    if name not in facts:
        raise TemplateError(f"unknown fact {name!r}")
    if attribute == "how":
        return facts[name].how
    if attribute:
        raise TemplateError(f"unknown attribute {attribute!r} of fact {name!r}")
    return facts[name].text(spec)


def render(template: str, facts: Mapping[str, Fact], printed: Mapping[str, str] | None = None,
           where: str = "") -> tuple[str, set[str]]:
    """``template`` with every assertion checked and every field filled; and the kinds of
    the facts it used. Raises :class:`TemplateError` (naming ``where``) on a false
    assertion or an unknown name."""
    printed = printed or {}
    try:
        for expression in _ASSERTION.findall(template):
            if not evaluate(expression, facts):
                raise TemplateError(f"false assertion [[{expression}]]")
        text = _ASSERTION.sub("", template)
        text = _FIELD.sub(lambda m: _field(m.group(1), facts, printed), text)
    except TemplateError as error:
        raise TemplateError(f"{where}: {error}" if where else str(error)) from None
    kinds = {facts[name].kind for name in used_facts(template) if name in facts}
    return re.sub(r"\s+([.,;:)])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip(), kinds


def kind_sentence(kinds: set[str]) -> str:
    """How strong a rendered sentence is: the kinds of its facts, strongest first."""
    ordered = [KIND_WORDS[k] for k in KINDS if k in kinds and k != "words"]
    return f"Evidence: {_listed(ordered)}." if ordered else ""
