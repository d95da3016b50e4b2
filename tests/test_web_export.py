"""Export der Checkpoints fürs Buch und Vorwärtsrechnung in JavaScript (node) gegen PyTorch."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest
import torch
from test_js import node_or_skip

from aufmerksamkeit.models.checkpoints import load_checkpoint
from aufmerksamkeit.models.registry import LAB_MODELS
from aufmerksamkeit.models.vision import digit_examples
from aufmerksamkeit.web import export as web_export
from aufmerksamkeit.web.labs import LAB_SCRIPT, placeholder_html

SCRIPT = LAB_SCRIPT
LOADERS = {lab: (lambda entry=entry: entry.load()[0]) for lab, entry in LAB_MODELS.items()}


@pytest.fixture(scope="module")
def exports() -> dict[str, bytes]:
    return {lab: web_export.export_lab(lab) for lab in LOADERS}


def test_kodieren_und_dekodieren_sind_invers() -> None:
    tensors = {"a": torch.arange(6.0).reshape(2, 3), "b.c": torch.tensor([0.5, -1e-3])}
    data = web_export.encode_export(tensors, {"kind": "test", "extra": {"ä": 1}})
    assert data[:4] == b"AUFM" and (8 + int.from_bytes(data[4:8], "little")) % 4 == 0
    header, back = web_export.decode_export(data)
    assert header["extra"] == {"ä": 1}
    assert all(torch.equal(back[k], tensors[k]) for k in tensors)
    with pytest.raises(ValueError, match="Keine Labor-Gewichtsdatei"):
        web_export.decode_export(b"XXXX" + data[4:])
    with pytest.raises(ValueError, match="NaN"):
        web_export.encode_export({"a": torch.tensor([float("nan")])}, {})


@pytest.mark.parametrize("lab", sorted(LOADERS))
def test_export_enthaelt_genau_den_checkpoint(lab: str, exports: dict[str, bytes]) -> None:
    """Eine Quelle: Die exportierten Zahlen sind Bit für Bit die des Modells (bzw. des .pt)."""
    model, header = web_export.model_from_export(exports[lab])
    source = LOADERS[lab]()
    state, restored = source.state_dict(), model.state_dict()
    assert state.keys() == restored.keys()
    assert all(torch.equal(state[k], restored[k]) for k in state)
    _, meta = load_checkpoint(LAB_MODELS[lab].name)  # derselbe Checkpoint, dieselben Messwerte
    assert header["meta"]["seed"] == meta["seed"]
    assert header["meta"]["metrics"] == meta["metrics"]
    assert len(exports[lab]) < 300_000, f"{lab}: {len(exports[lab])} Bytes"


@pytest.mark.parametrize("lab", sorted(LOADERS))
def test_javascript_rechnet_wie_pytorch(lab: str, exports: dict[str, bytes], tmp_path) -> None:
    """≥ 50 Eingaben je Modell: Logits und alle Aufmerksamkeitsgewichte bis auf 1e-4 gleich."""
    node = node_or_skip()
    model, header = web_export.model_from_export(exports[lab])
    inputs = web_export.conformance_inputs(header, 50, seed=1)
    (tmp_path / "model.bin").write_bytes(exports[lab])
    (tmp_path / "inputs.json").write_text(json.dumps(inputs))
    program = (
        "const lab = require(process.argv[1]); const fs = require('fs');"
        "const b = fs.readFileSync(process.argv[2]);"
        "const model = lab.parseExport(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));"
        "const inputs = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));"
        "fs.writeFileSync(process.argv[4], JSON.stringify(lab.referenceOutputs(model, inputs)));"
    )
    out = tmp_path / "out.json"
    args = [str(SCRIPT), str(tmp_path / "model.bin"), str(tmp_path / "inputs.json"), str(out)]
    subprocess.run([node, "-e", program, *args], check=True, timeout=120)
    js = json.loads(out.read_text())
    torch.set_num_threads(1)
    reference = web_export.reference_outputs(model, header["kind"], inputs)
    diff = web_export.max_abs_difference(js, reference)
    assert len(inputs) >= 50
    assert diff["logits"] <= 1e-4 and diff["weights"] <= 1e-4, f"{lab}: {diff}"


def test_beispielbilder_sind_testbilder_jeder_ziffer() -> None:
    examples = digit_examples()
    assert [label for _, label in examples] == list(range(10))
    assert all(
        image.shape == (8, 8) and 0 <= image.min() and image.max() <= 1 for image, _ in examples
    )
    assert np.std([image.mean() for image, _ in examples]) > 0


@pytest.mark.parametrize("labs", [{"pronomen"}, {"textgenerierung"}, {"ziffern"}, None])
def test_schlankes_skript_enthaelt_nur_seine_labore(labs: set[str] | None, tmp_path) -> None:
    node = node_or_skip()
    slim = web_export.slim_script(SCRIPT.read_text(encoding="utf-8"), labs)
    assert "/*" not in slim and "\n//" not in slim and "\n  " not in slim
    (tmp_path / "slim.js").write_text(slim, encoding="utf-8")
    program = "console.log(JSON.stringify(Object.keys(require(process.argv[1]).labs).sort()))"
    result = subprocess.run(
        [node, "-e", program, str(tmp_path / "slim.js")], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == sorted(labs or LAB_MODELS)
    if labs is not None:
        assert len(slim.encode()) < 32_000
    with pytest.raises(ValueError, match="Unbekannte Labore"):
        web_export.slim_script("", {"tiger"})


@pytest.mark.parametrize("lab", sorted(LAB_MODELS))
def test_platzhalter_nennt_datei_und_titel_aus_dem_verzeichnis(lab: str) -> None:
    """Das Skript kennt keine Dateinamen: Der Platzhalter nennt den Checkpoint des Labors."""
    entry = LAB_MODELS[lab]
    html = placeholder_html(lab)
    assert f'data-aufm-datei="{entry.name}"' in html
    assert f'aria-label="{entry.lab.title}"' in html
    script = SCRIPT.read_text(encoding="utf-8")
    registrations = re.findall(r"LABS\.(\w+) = \{([^}]*)\}", script)
    assert sorted(name for name, _ in registrations) == sorted(LAB_MODELS)
    assert not [name for name, body in registrations if "file" in body or "title" in body]
