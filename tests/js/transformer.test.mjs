// Tests des Labor-Skripts lib/aufmerksamkeit/web/static/labor/transformer.js (node --test tests/js).
// Der Vergleich mit PyTorch auf den echten Checkpoints steht in tests/test_web_export.py
// (node) und tests/book/test_labor.py (Chromium); hier prüfen wir die Bausteine gegen
// Werte, die sich von Hand oder aus Tabellen nachrechnen lassen.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const lab = require("../../lib/aufmerksamkeit/web/static/labor/transformer.js");

const close = (actual, expected, tol = 1e-9, what = "") => {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} ≠ ${expected} (Toleranz ${tol})`);
};

function tensor(shape, values) {
  return { shape, data: Float32Array.from(values) };
}

/** Baut eine Gewichtsdatei im Labor-Format (wie aufmerksamkeit.web.export.encode_export). */
function encodeExport(header, tensors) {
  let offset = 0;
  const entries = [];
  const chunks = [];
  for (const [name, t] of Object.entries(tensors)) {
    entries.push({ name, shape: t.shape, offset });
    chunks.push(t.data);
    offset += t.data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify({ ...header, tensors: entries }));
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  const headerBytes = new Uint8Array(json.length + pad).fill(32);
  headerBytes.set(json);
  const buffer = new ArrayBuffer(8 + headerBytes.length + 4 * offset);
  const bytes = new Uint8Array(buffer);
  bytes.set([65, 85, 70, 77]); // "AUFM"
  new DataView(buffer).setUint32(4, headerBytes.length, true);
  bytes.set(headerBytes, 8);
  const floats = new Float32Array(buffer, 8 + headerBytes.length, offset);
  let at = 0;
  for (const c of chunks) { floats.set(c, at); at += c.length; }
  return buffer;
}

test("softmax: Summe 1, stabil bei großen Logits, -Infinity ergibt 0", () => {
  const p = lab.softmax([1, 2, 3]);
  close(p[0] + p[1] + p[2], 1, 1e-15, "Summe");
  close(p[2] / p[1], Math.E, 1e-12, "Verhältnis");
  const big = lab.softmax([1e4, 0, -1e4]);
  assert.ok(big.every(Number.isFinite));
  close(big[0], 1, 1e-15);
  const masked = lab.softmax([0, -Infinity, 0]);
  assert.deepEqual(Array.from(masked), [0.5, 0, 0.5]);
  assert.deepEqual(Array.from(lab.softmax([-Infinity, -Infinity])), [0, 0], "alles ausgeblendet → 0, kein NaN");
});

test("erf und GELU stimmen mit Tabellenwerten überein (Fehler < 2e-7)", () => {
  // Referenz: Python math.erf
  const table = [[0, 0], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
    [2, 0.9953222650189527], [-0.7, -0.6778011938374184], [3.5, 0.9999992569016276]];
  for (const [x, y] of table) { close(lab.erf(x), y, 2e-7, `erf(${x})`); }
  close(lab.gelu(1), 0.8413447460685429, 2e-7, "gelu(1)");
  close(lab.gelu(-1), -0.15865525393145707, 2e-7, "gelu(-1)");
  close(lab.gelu(0), 0, 1e-12, "gelu(0)");
});

test("linear rechnet x Wᵀ + b wie nn.Linear", () => {
  const w = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  const b = tensor([2], [0.5, -1]);
  const [y] = lab.linear([Float64Array.from([1, 0, -1])], w, b);
  assert.deepEqual(Array.from(y), [1 - 3 + 0.5, 4 - 6 - 1]);
  assert.throws(() => lab.linear([Float64Array.from([1, 2])], w, b), /erwartet 3/);
});

test("layerNorm: Mittelwert 0, (verzerrte) Varianz 1, dann Gewicht und Bias", () => {
  const ones = tensor([4], [1, 1, 1, 1]);
  const zeros = tensor([4], [0, 0, 0, 0]);
  const [y] = lab.layerNorm([Float64Array.from([1, 2, 3, 4])], ones, zeros);
  const mean = y.reduce((a, b) => a + b) / 4;
  const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
  close(mean, 0, 1e-12, "Mittel");
  close(variance, 1 / (1 + 1e-5 / 1.25), 1e-9, "Varianz");
  const [z] = lab.layerNorm([Float64Array.from([1, 2, 3, 4])], tensor([4], [2, 2, 2, 2]), tensor([4], [1, 1, 1, 1]));
  close(z[0], 2 * y[0] + 1, 1e-12);
});

function uniformAttentionModel(embed, heads) {
  // Q = K = 0 → alle Scores gleich; V und Ausgabe = Identität.
  const eye = [];
  for (let i = 0; i < embed; i++) { for (let j = 0; j < embed; j++) { eye.push(i === j ? 1 : 0); } }
  const zero = new Array(embed * embed).fill(0);
  const tensors = {};
  for (const [n, w] of [["q", zero], ["k", zero], ["v", eye], ["out", eye]]) {
    tensors[`a.${n}_proj.weight`] = tensor([embed, embed], w);
    tensors[`a.${n}_proj.bias`] = tensor([embed], new Array(embed).fill(0));
  }
  return { header: { heads: { a: heads } }, tensors };
}

test("Multi-Head-Attention: kausale Maske gibt den laufenden Mittelwert, Zeilen summieren zu 1", () => {
  const model = uniformAttentionModel(4, 2);
  const rows = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]].map((r) => Float64Array.from(r));
  const causal = lab.multiHeadAttention(model, "a", rows, 2, true);
  assert.equal(causal.weights.length, 2, "zwei Köpfe");
  for (const head of causal.weights) {
    head.forEach((row, i) => {
      close(row.reduce((a, b) => a + b), 1, 1e-12, `Zeile ${i}`);
      for (let j = i + 1; j < row.length; j++) { assert.equal(row[j], 0, "Zukunft ist ausgeblendet"); }
    });
  }
  assert.deepEqual(Array.from(causal.output[0]), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(causal.output[1]), [3, 4, 5, 6]);
  assert.deepEqual(Array.from(causal.output[2]), [5, 6, 7, 8]);
  const full = lab.multiHeadAttention(model, "a", rows, 2, false);
  assert.deepEqual(Array.from(full.output[0]), [5, 6, 7, 8], "ohne Maske: Mittel aller Zeilen");
});

test("Multi-Head-Attention: Scores werden mit 1/√d skaliert", () => {
  // Ein Kopf, d = 4: Q = K = Identität. Zwei Tokens x0 = (2,0,0,0), x1 = (0,0,0,0).
  const model = uniformAttentionModel(4, 1);
  const eye = model.tensors["a.v_proj.weight"];
  model.tensors["a.q_proj.weight"] = eye;
  model.tensors["a.k_proj.weight"] = eye;
  const rows = [Float64Array.from([2, 0, 0, 0]), Float64Array.from([0, 0, 0, 0])];
  const { weights } = lab.multiHeadAttention(model, "a", rows, 1, false);
  // Score(0,0) = 4 / √4 = 2, Score(0,1) = 0 → Gewicht e²/(e²+1)
  close(weights[0][0][0], Math.exp(2) / (Math.exp(2) + 1), 1e-12);
});

test("imageToPatches zerlegt zeilenweise von links oben wie vision.image_to_patches", () => {
  const image = Array.from({ length: 16 }, (_, i) => i); // 4 × 4
  const patches = lab.imageToPatches(image, 4, 2);
  assert.equal(patches.length, 4);
  assert.deepEqual(Array.from(patches[0]), [0, 1, 4, 5]);
  assert.deepEqual(Array.from(patches[1]), [2, 3, 6, 7]);
  assert.deepEqual(Array.from(patches[3]), [10, 11, 14, 15]);
});

test("Gewichtsdatei: Kopf und Tensoren werden gelesen, fremde Dateien abgelehnt", () => {
  const buffer = encodeExport({ kind: "test", heads: {}, extra: { ä: "ö" } },
    { a: tensor([2, 2], [1, 2, 3, 4]), b: tensor([3], [0.5, -0.25, 8]) });
  const model = lab.parseExport(buffer);
  assert.equal(model.header.extra.ä, "ö", "UTF-8 im Kopf");
  assert.deepEqual(model.tensors.a.shape, [2, 2]);
  assert.deepEqual(Array.from(model.tensors.b.data), [0.5, -0.25, 8]);
  const bad = new Uint8Array(buffer.slice(0));
  bad[0] = 88;
  assert.throws(() => lab.parseExport(bad.buffer), /Keine Labor-Gewichtsdatei/);
  const text = Buffer.from(buffer).toString("base64");
  assert.deepEqual(Array.from(lab.parseExport(lab.base64ToBuffer(text)).tensors.a.data), [1, 2, 3, 4]);
});

test("Mini-ViT aus der Datei: Logits und Gewichte haben die Formen aus dem Kopf", () => {
  // Alle Gewichte 0 außer dem Kopf-Bias: Logits = Bias, Aufmerksamkeit gleichverteilt.
  const E = 4, P = 4, C = 3, H = 2, F = 8;
  const t = {
    patch_embedding: [[E, 4], [E]], class_token: [[1, 1, E]], position: [[1, 1 + P, E]],
    "blocks.0.norm1": [[E], [E]], "blocks.0.attention.q_proj": [[E, E], [E]],
    "blocks.0.attention.k_proj": [[E, E], [E]], "blocks.0.attention.v_proj": [[E, E], [E]],
    "blocks.0.attention.out_proj": [[E, E], [E]], "blocks.0.norm2": [[E], [E]],
    "blocks.0.feed_forward.net.0": [[F, E], [F]], "blocks.0.feed_forward.net.2": [[E, F], [E]],
    norm: [[E], [E]], head: [[C, E], [C]],
  };
  const tensors = {};
  for (const [name, shapes] of Object.entries(t)) {
    const suffixes = shapes.length === 1 ? [""] : [".weight", ".bias"];
    shapes.forEach((shape, i) => {
      const size = shape.reduce((a, b) => a * b);
      tensors[name + suffixes[i]] = tensor(shape, new Array(size).fill(0));
    });
  }
  tensors["head.bias"] = tensor([C], [1, 2, 3]);
  const header = { kind: "vit", heads: { "blocks.0.attention": H },
    extra: { image_size: 4, patch_size: 2, num_layers: 1, num_classes: C } };
  const model = lab.parseExport(encodeExport(header, tensors));
  const out = lab.vitForward(model, new Array(16).fill(0.5));
  assert.deepEqual(out.logits, [1, 2, 3]);
  close(out.probs.reduce((a, b) => a + b), 1, 1e-12);
  assert.equal(out.weights.length, 1);
  assert.equal(out.weights[0].length, H);
  assert.equal(out.weights[0][0].length, 1 + P);
  close(out.weights[0][1][0][3], 1 / (1 + P), 1e-12, "gleichverteilt");
  assert.throws(() => lab.vitForward(model, [1, 2, 3]), /16 Pixel/);
});

test("mulberry32 ist deterministisch und gleich der Python-Fassung (aufmerksamkeit.notebook.labor)", () => {
  const rng = lab.mulberry32(1);
  // Dieselben Zahlen prüft tests/test_labor.py für aufmerksamkeit.notebook.labor.mulberry32.
  assert.deepEqual([rng(), rng(), rng()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  const other = lab.mulberry32(123456);
  assert.deepEqual([other(), other(), other()], [0.38233304349705577, 0.7972629074938595, 0.9965302373748273]);
  const values = Array.from({ length: 10000 }, lab.mulberry32(7));
  assert.ok(values.every((v) => v >= 0 && v < 1));
  close(values.reduce((a, b) => a + b) / values.length, 0.5, 0.02, "Mittel");
});

test("sampleIndex: kleine Temperatur → Maximum, u wählt über die kumulierte Verteilung", () => {
  assert.equal(lab.sampleIndex([0, 5, 1], 0.01, 0.999), 1);
  // Temperatur 1, Logits ln(0.2), ln(0.3), ln(0.5): Grenzen bei 0.2 und 0.5
  const logits = [Math.log(0.2), Math.log(0.3), Math.log(0.5)];
  assert.equal(lab.sampleIndex(logits, 1, 0.1), 0);
  assert.equal(lab.sampleIndex(logits, 1, 0.3), 1);
  assert.equal(lab.sampleIndex(logits, 1, 0.7), 2);
  assert.throws(() => lab.sampleIndex(logits, 0, 0.5), /Temperatur/);
});

test("tokenizeWords zerlegt wie pronouns.tokenize, detokenize setzt zusammen", () => {
  const s = "Der Bär sprang über den Zaun, weil er übermütig war.";
  const tokens = lab.tokenizeWords(s);
  assert.deepEqual(tokens, ["Der", "Bär", "sprang", "über", "den", "Zaun", ",", "weil", "er", "übermütig", "war", "."]);
  assert.equal(lab.detokenize(tokens), s);
  assert.equal(lab.closestWord("Tish", ["Tisch", "Katze"]), "Tisch");
  assert.equal(lab.closestWord("Elefant", ["Tisch", "Katze"]), null);
});

test("heatColor: Schrift hat auf jedem Hintergrund mindestens Kontrast 4,5", () => {
  const lum = (css) => {
    const rgb = css.match(/\d+/g).map(Number).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  };
  for (let w = 0; w <= 1.0001; w += 0.01) {
    const { background, color } = lab.heatColor(w);
    const bg = lum(background);
    const fg = color === "#000" ? 0 : 1;
    const ratio = (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05);
    assert.ok(ratio >= 4.5, `Gewicht ${w.toFixed(2)}: Kontrast ${ratio.toFixed(2)}`);
  }
});

test("largestRemainder: Zeilen summieren sich zu 100, wie formatting.largest_remainder", () => {
  assert.deepEqual(lab.largestRemainder([0.335, 0.335, 0.33], 100), [34, 33, 33]);
  assert.deepEqual(lab.largestRemainder([0.494, 0.506], 100), [49, 51]);
  // Zwölf gleiche Gewichte: einzeln gerundet 12 · 8 = 96, hier genau 100.
  const row = lab.largestRemainder(new Array(12).fill(1 / 12), 100);
  assert.equal(row.reduce((s, v) => s + v, 0), 100);
  assert.deepEqual(lab.percents([0.986, 0.014]), ["99 %", "1 %"]);
});
