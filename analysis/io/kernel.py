"""The kernel every notebook of a run executes in: this interpreter, whatever kernels the user
has installed.

``jupyter_client`` looks kernels up by name in ``JUPYTER_PATH``, then the user's own folder
(``~/.local/share/jupyter/kernels``), then the environment's. A user-level ``python3`` kernel
(another Python, without this package) would silently replace the project's. A run therefore
writes its own kernel specification, named :data:`KERNEL`, into its private temporary folder
and puts that folder first on ``JUPYTER_PATH`` (jupyter_client's kernel specification
format: https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

__all__ = ["KERNEL", "own_kernel"]

#: The name of the run's own kernel.
KERNEL = "peer-support-python"


@contextlib.contextmanager
def own_kernel(folder: Path):
    """Within the block, :data:`KERNEL` is this interpreter's ipykernel (its specification
    written under ``folder``)."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (peer support run)", "language": "python"}),
        encoding="utf-8")
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), previous]))
    try:
        yield KERNEL
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = previous
