"""Die node-Tests des Labor-Skripts (``tests/js``) als Teil des pytest-Laufs.

Ohne node wird der Test übersprungen – außer mit ``CI=true``: Dort ist das ein Fehler.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def node_or_skip() -> str:
    """Pfad zu node; sonst überspringen (lokal) oder scheitern (CI)."""
    node = shutil.which("node")
    if node is None:
        reason = "node fehlt – die JavaScript-Tests des Labors (tests/js) brauchen Node.js ≥ 18."
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{reason} (CI=true: Überspringen ist hier nicht erlaubt)", pytrace=False)
        pytest.skip(reason)
    return node


def test_node_tests_des_labors() -> None:
    node = node_or_skip()
    result = subprocess.run(
        [node, "--test", "tests/js"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (
        f"node --test tests/js scheiterte (Exit {result.returncode}):\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    )
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout, result.stdout[-2000:]
