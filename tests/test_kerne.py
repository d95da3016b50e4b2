"""``tools/kerne.py``: welche Umgebungsvariablen ein Kernel auf welcher CPU setzt.

Die x86-Variablen (AVX2, MKL, oneDNN, NumPys X86-Merkmale) bedeuten auf ARM nichts; PyTorch
warnt dort sogar auf stderr, was strenges nbval in jeder Zelle sähe. ``platform.machine()``
wird hier vorgetäuscht, damit der Test auf jeder CPU beide Fälle prüft.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import kerne

X86_ONLY = ("MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA", "NPY_DISABLE_CPU_FEATURES",
            "OPENBLAS_CORETYPE")  # fmt: skip


@pytest.fixture(params=["aarch64", "arm64", "armv7l", "ppc64le"])
def other_cpu(request, monkeypatch) -> str:
    monkeypatch.setattr(platform, "machine", lambda: request.param)
    return request.param


@pytest.fixture(params=["x86_64", "AMD64"])
def x86_cpu(request, monkeypatch) -> str:
    monkeypatch.setattr(platform, "machine", lambda: request.param)
    return request.param


@pytest.mark.parametrize("kernel", ["native", "avx2", "default"])
def test_no_x86_variables_on_other_cpus(other_cpu, kernel):
    variables = kerne.kernel_variables(kernel)
    assert not set(variables) & set(X86_ONLY)
    # PyTorch kennt auf jeder CPU nur „default“ sicher; „avx2“ ergäbe eine Warnung auf stderr.
    assert variables.get("ATEN_CPU_CAPABILITY", "default") == "default"


def test_other_cpus_map_avx2_to_native_and_default_to_torch_default(other_cpu):
    assert kerne.kernel_variables("avx2") == kerne.kernel_variables("native") == {}
    assert kerne.kernel_variables("default") == {"ATEN_CPU_CAPABILITY": "default"}
    assert "nativen Kernen" in kerne.kernel_note("avx2")
    assert other_cpu in kerne.kernel_note("default")
    assert kerne.kernel_note("native") is None


def test_x86_keeps_the_full_simulation(x86_cpu):
    assert kerne.kernel_variables("avx2")["ATEN_CPU_CAPABILITY"] == "avx2"
    assert kerne.kernel_variables("default")["NPY_DISABLE_CPU_FEATURES"].startswith("X86_V3")
    assert kerne.kernel_variables("native") == {}
    assert all(kerne.kernel_note(k) is None for k in kerne.KERNELS)


def test_explicit_machine_overrides_this_cpu():
    assert kerne.kernel_variables("avx2", machine="aarch64") == {}
    assert kerne.kernel_variables("avx2", machine="x86_64") == kerne.KERNELS["avx2"]


def test_unknown_kernel_is_refused():
    with pytest.raises(ValueError, match="Unbekannter Kernel 'avx512'"):
        kerne.kernel_variables("avx512")


def test_main_passes_the_mapped_environment_and_says_so(other_cpu, monkeypatch, capsys):
    for name in ("ATEN_CPU_CAPABILITY", *X86_ONLY):
        monkeypatch.delenv(name, raising=False)
    calls = []
    monkeypatch.setattr(kerne.os, "execvpe", lambda *args: calls.append(args))
    kerne.main(["avx2", "--", "pytest", "-q"])
    ((file, args, env),) = calls
    assert (file, args) == ("pytest", ["pytest", "-q"])
    assert not {"ATEN_CPU_CAPABILITY", *X86_ONLY} & set(env)
    assert "nur auf x86-64" in capsys.readouterr().err
