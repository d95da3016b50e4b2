/* Aufmerksamkeits-Labor: die trainierten Modelle des Kurses rechnen im Browser.
 *
 * Ein kleines, eigenständiges Skript ohne Framework und ohne Netz. Es enthält
 *   1. die Vorwärtsrechnung der drei Modelle (Einbettung, LayerNorm,
 *      Multi-Head-Attention, GELU-FFN, Pre-LN-Blöcke, kausale Maske,
 *      Zeiger-Kopf des Pronomen-Modells, Char-GPT mit Sampling, ViT),
 *   2. die drei Labore: Pronomen-Labor, Textgenerierung live, Ziffer zeichnen.
 *
 * Die Gewichte kommen aus den mitgelieferten PyTorch-Checkpoints; der Build
 * (aufmerksamkeit.web.export, _ext/labor.py) schreibt sie als float32 neben
 * dieses Skript: <name>.bin (wird per fetch geladen) und <name>.js (dieselben
 * Bytes in Base64, nur für Seiten, die direkt aus einer Datei – file:// –
 * geöffnet werden). Alle Größen stehen im Kopf der Datei, nichts ist hier fest
 * verdrahtet.
 *
 * Dateiformat: "AUFM" | uint32 Länge n des JSON-Kopfs | n Bytes JSON (UTF-8,
 * mit Leerzeichen auf ein Vielfaches von 4 aufgefüllt) | float32-Daten
 * (little endian). Der Kopf nennt je Tensor Name, Form und Versatz (in Zahlen).
 *
 * In node: const labor = require("./transformer.js") – ohne DOM werden nur die
 * Rechenfunktionen benutzt.
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.AufmerksamkeitLabor = api;
    api.autostart();
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (root) {
  "use strict";

  var MAGIC = "AUFM";
  var LN_EPS = 1e-5;

  // ------------------------------------------------------------------ Datei

  /** Liest eine exportierte Datei (ArrayBuffer) → {header, tensors: {name: {shape, data}}}. */
  function parseExport(buffer) {
    var bytes = new Uint8Array(buffer);
    var magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
    if (magic !== MAGIC) {
      throw new Error("Keine Labor-Gewichtsdatei (Kennung " + JSON.stringify(magic) + ").");
    }
    var view = new DataView(buffer);
    var headerLength = view.getUint32(4, true);
    var headerText = new TextDecoder("utf-8").decode(bytes.subarray(8, 8 + headerLength));
    var header = JSON.parse(headerText);
    var start = 8 + headerLength;
    if (start % 4 !== 0) {
      throw new Error("Der Kopf der Gewichtsdatei ist nicht auf 4 Bytes ausgerichtet.");
    }
    var count = (buffer.byteLength - start) / 4;
    var all = new Float32Array(buffer, start, count);
    var tensors = {};
    header.tensors.forEach(function (t) {
      var size = t.shape.reduce(function (a, b) { return a * b; }, 1);
      if (t.offset + size > count) {
        throw new Error("Tensor " + t.name + " reicht über das Dateiende hinaus.");
      }
      tensors[t.name] = { shape: t.shape, data: all.subarray(t.offset, t.offset + size) };
    });
    return { header: header, tensors: tensors };
  }

  /** Base64 → ArrayBuffer (für die file://-Ersatzdatei). */
  function base64ToBuffer(text) {
    var binary = typeof atob === "function" ? atob(text) : Buffer.from(text, "base64").toString("binary");
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function tensor(model, name) {
    var t = model.tensors[name];
    if (!t) { throw new Error("Gewicht " + name + " fehlt in der Datei " + model.header.name + "."); }
    return t;
  }

  // ------------------------------------------------------------------ Rechnen
  // Matrizen sind Listen von Zeilen (Float64Array); gerechnet wird in float64,
  // die Gewichte sind float32 wie in PyTorch.

  /** y = x Wᵀ + b für jede Zeile x; W hat die Form (aus, ein) wie nn.Linear. */
  function linear(rows, weight, bias) {
    var out = weight.shape[0], inp = weight.shape[1], w = weight.data;
    var b = bias ? bias.data : null;
    return rows.map(function (x) {
      if (x.length !== inp) {
        throw new Error("linear: Eingabe hat " + x.length + " Werte, erwartet " + inp + ".");
      }
      var y = new Float64Array(out);
      for (var o = 0; o < out; o++) {
        var s = b ? b[o] : 0, base = o * inp;
        for (var i = 0; i < inp; i++) { s += w[base + i] * x[i]; }
        y[o] = s;
      }
      return y;
    });
  }

  /** LayerNorm über die letzte Achse (verzerrte Varianz, eps = 1e-5, wie PyTorch). */
  function layerNorm(rows, weight, bias, eps) {
    eps = eps === undefined ? LN_EPS : eps;
    return rows.map(function (x) {
      var n = x.length, mean = 0, variance = 0, i;
      for (i = 0; i < n; i++) { mean += x[i]; }
      mean /= n;
      for (i = 0; i < n; i++) { variance += (x[i] - mean) * (x[i] - mean); }
      variance /= n;
      var inv = 1 / Math.sqrt(variance + eps), y = new Float64Array(n);
      for (i = 0; i < n; i++) { y[i] = (x[i] - mean) * inv * weight.data[i] + bias.data[i]; }
      return y;
    });
  }

  /** Fehlerfunktion, W. J. Cody (1969) bzw. Numerical Recipes erfc: relativer Fehler < 1.2e-7. */
  function erf(x) {
    var z = Math.abs(x), t = 1 / (1 + 0.5 * z);
    var r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
      t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
      t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - r : r - 1;
  }

  /** GELU mit der Fehlerfunktion (Standard von torch.nn.GELU). */
  function gelu(x) { return 0.5 * x * (1 + erf(x / Math.SQRT2)); }

  /** Softmax einer Zeile; -Infinity (ausgeblendet) ergibt 0. Alle ausgeblendet → nur Nullen. */
  function softmax(values) {
    var max = -Infinity, i, n = values.length, out = new Float64Array(n), sum = 0;
    for (i = 0; i < n; i++) { if (values[i] > max) { max = values[i]; } }
    if (max === -Infinity) { return out; }
    for (i = 0; i < n; i++) { out[i] = Math.exp(values[i] - max); sum += out[i]; }
    for (i = 0; i < n; i++) { out[i] /= sum; }
    return out;
  }

  function add(a, b) {
    return a.map(function (x, r) {
      var y = new Float64Array(x.length);
      for (var i = 0; i < x.length; i++) { y[i] = x[i] + b[r][i]; }
      return y;
    });
  }

  /**
   * Multi-Head-Self-Attention wie aufmerksamkeit.MultiHeadAttention.
   * rows: (L, E); prefix: Name des Moduls im state_dict; numHeads aus dem Kopf der Datei.
   * Rückgabe: {output: (L, E), weights: [Kopf][i][j]}.
   */
  function multiHeadAttention(model, prefix, rows, numHeads, causal) {
    var q = linear(rows, tensor(model, prefix + ".q_proj.weight"), model.tensors[prefix + ".q_proj.bias"]);
    var k = linear(rows, tensor(model, prefix + ".k_proj.weight"), model.tensors[prefix + ".k_proj.bias"]);
    var v = linear(rows, tensor(model, prefix + ".v_proj.weight"), model.tensors[prefix + ".v_proj.bias"]);
    var length = rows.length, embed = q[0].length;
    if (embed % numHeads !== 0) {
      throw new Error(prefix + ": " + embed + " Dimensionen lassen sich nicht auf " + numHeads + " Köpfe verteilen.");
    }
    var d = embed / numHeads, scale = 1 / Math.sqrt(d);
    var concat = rows.map(function () { return new Float64Array(embed); });
    var weights = [];
    for (var h = 0; h < numHeads; h++) {
      var off = h * d, headWeights = [];
      for (var i = 0; i < length; i++) {
        var scores = new Float64Array(length);
        for (var j = 0; j < length; j++) {
          if (causal && j > i) { scores[j] = -Infinity; continue; }
          var s = 0;
          for (var c = 0; c < d; c++) { s += q[i][off + c] * k[j][off + c]; }
          scores[j] = s * scale;
        }
        var w = softmax(scores);
        headWeights.push(w);
        for (var jj = 0; jj < length; jj++) {
          if (w[jj] === 0) { continue; }
          for (var cc = 0; cc < d; cc++) { concat[i][off + cc] += w[jj] * v[jj][off + cc]; }
        }
      }
      weights.push(headWeights);
    }
    var output = linear(concat, tensor(model, prefix + ".out_proj.weight"), model.tensors[prefix + ".out_proj.bias"]);
    return { output: output, weights: weights };
  }

  /** Pre-LN-Block: x + MHA(LN(x)), dann x + FFN(LN(x)) mit FFN = Linear → GELU → Linear. */
  function encoderBlock(model, prefix, rows, numHeads, causal) {
    var attended = multiHeadAttention(
      model, prefix + ".attention",
      layerNorm(rows, tensor(model, prefix + ".norm1.weight"), tensor(model, prefix + ".norm1.bias")),
      numHeads, causal);
    var x = add(rows, attended.output);
    var hidden = linear(
      layerNorm(x, tensor(model, prefix + ".norm2.weight"), tensor(model, prefix + ".norm2.bias")),
      tensor(model, prefix + ".feed_forward.net.0.weight"), tensor(model, prefix + ".feed_forward.net.0.bias"));
    hidden = hidden.map(function (row) { return row.map(gelu); });
    var ff = linear(hidden, tensor(model, prefix + ".feed_forward.net.2.weight"),
      tensor(model, prefix + ".feed_forward.net.2.bias"));
    return { output: add(x, ff), weights: attended.weights };
  }

  function heads(model, prefix) {
    var n = model.header.heads[prefix];
    if (!n) { throw new Error("Die Datei nennt keine Kopfzahl für " + prefix + "."); }
    return n;
  }

  /** Token-Einbettung plus Positionstabelle (Sinus oder gelernt, beides im state_dict). */
  function embed(model, ids, tokenName, positionName) {
    var table = tensor(model, tokenName), pos = tensor(model, positionName);
    var e = table.shape[1], vocab = table.shape[0];
    var maxLen = pos.shape[pos.shape.length - 2];
    if (ids.length > maxLen) {
      throw new Error("Die Sequenz hat " + ids.length + " Tokens, erlaubt sind höchstens " + maxLen + ".");
    }
    return ids.map(function (id, p) {
      if (!(id >= 0 && id < vocab)) { throw new Error("Token-Index " + id + " liegt außerhalb des Vokabulars."); }
      var row = new Float64Array(e);
      for (var i = 0; i < e; i++) { row[i] = table.data[id * e + i] + pos.data[p * e + i]; }
      return row;
    });
  }

  // ------------------------------------------------------------------ Modelle

  /**
   * Pronomen-Modell (Zeiger-Netz): Einbettung → Kontext-Block → LayerNorm →
   * Gewichte der Auflösungs-Schicht; Zeile des Pronomens, Mittel über die Köpfe,
   * je Nomen summiert = Wahrscheinlichkeit. Rückgabe wie PronounResolver.forward
   * (logProbs) plus die Gewichte beider Schichten.
   */
  /** Stelle des ersten Pronomens (wie PronounResolver.pronoun_positions), sonst −1. */
  function pronounIndex(extra, ids) {
    for (var j = 0; j < ids.length; j++) {
      if (extra.pronoun_ids.indexOf(ids[j]) >= 0) { return j; }
    }
    return -1;
  }

  function pronounForward(model, ids) {
    var x = embed(model, ids, "embedding.token.weight", "embedding.position");
    var context = encoderBlock(model, "context", x, heads(model, "context.attention"), false);
    var normed = layerNorm(context.output, tensor(model, "norm.weight"), tensor(model, "norm.bias"));
    var resolver = multiHeadAttention(model, "resolver", normed, heads(model, "resolver"), false);
    var extra = model.header.extra, p = pronounIndex(extra, ids);
    if (p < 0) {
      throw new Error("Im Satz steht kein Pronomen („sie“ oder „er“).");
    }
    var numNouns = extra.nouns.length, h = resolver.weights.length;
    var row = new Float64Array(ids.length);
    for (var head = 0; head < h; head++) {
      for (var j = 0; j < ids.length; j++) { row[j] += resolver.weights[head][p][j] / h; }
    }
    var probs = new Float64Array(numNouns);
    ids.forEach(function (id, j) {
      var noun = extra.noun_of_token[id];
      if (noun >= 0) { probs[noun] += row[j]; }
    });
    var logProbs = Array.prototype.map.call(probs, function (q) { return Math.log(Math.max(q, 1e-6)); });
    return {
      logProbs: logProbs,
      probs: Array.from(probs),
      row: Array.from(row),
      pronoun: p,
      weights: { kontext: context.weights, aufloesung: resolver.weights },
    };
  }

  /** Char-GPT: Einbettung mit gelernten Positionen → kausale Blöcke → LayerNorm → Logits (L, V). */
  function charGptForward(model, ids) {
    var h = embed(model, ids, "embedding.token.weight", "embedding.position");
    var weights = [];
    for (var b = 0; b < model.header.extra.num_layers; b++) {
      var block = encoderBlock(model, "blocks." + b, h, heads(model, "blocks." + b + ".attention"), true);
      h = block.output;
      weights.push(block.weights);
    }
    var logits = linear(layerNorm(h, tensor(model, "norm.weight"), tensor(model, "norm.bias")),
      tensor(model, "head.weight"), tensor(model, "head.bias"));
    return { logits: logits, weights: weights };
  }

  /** Bild (H·W Werte, zeilenweise) → Patches (P, p·p), zeilenweise von links oben wie image_to_patches. */
  function imageToPatches(pixels, imageSize, patchSize) {
    var grid = imageSize / patchSize, patches = [];
    for (var r = 0; r < grid; r++) {
      for (var c = 0; c < grid; c++) {
        var patch = new Float64Array(patchSize * patchSize);
        for (var y = 0; y < patchSize; y++) {
          for (var x = 0; x < patchSize; x++) {
            patch[y * patchSize + x] = pixels[(r * patchSize + y) * imageSize + c * patchSize + x];
          }
        }
        patches.push(patch);
      }
    }
    return patches;
  }

  /** ViT: Patch-Einbettung, Klassen-Token, gelernte Positionen, Blöcke, LayerNorm, Klassen-Logits. */
  function vitForward(model, pixels) {
    var extra = model.header.extra, size = extra.image_size;
    if (pixels.length !== size * size) {
      throw new Error("Das Bild braucht " + size * size + " Pixel, erhalten: " + pixels.length + ".");
    }
    var x = linear(imageToPatches(pixels, size, extra.patch_size),
      tensor(model, "patch_embedding.weight"), tensor(model, "patch_embedding.bias"));
    var cls = tensor(model, "class_token").data, pos = tensor(model, "position").data;
    x.unshift(Float64Array.from(cls));
    var e = cls.length;
    x = x.map(function (row, p) {
      var y = new Float64Array(e);
      for (var i = 0; i < e; i++) { y[i] = row[i] + pos[p * e + i]; }
      return y;
    });
    var weights = [];
    for (var b = 0; b < extra.num_layers; b++) {
      var block = encoderBlock(model, "blocks." + b, x, heads(model, "blocks." + b + ".attention"), false);
      x = block.output;
      weights.push(block.weights);
    }
    var logits = linear(layerNorm([x[0]], tensor(model, "norm.weight"), tensor(model, "norm.bias")),
      tensor(model, "head.weight"), tensor(model, "head.bias"))[0];
    return { logits: Array.from(logits), probs: Array.from(softmax(logits)), weights: weights };
  }

  function nested(value) {
    if (value && typeof value.length === "number" && typeof value !== "string") {
      return Array.prototype.map.call(value, nested);
    }
    return value;
  }

  /**
   * Ausgaben für den Vergleich mit PyTorch (aufmerksamkeit.web.export.reference_outputs):
   * je Eingabe {logits, weights: [Schicht][Kopf][i][j]}.
   */
  function referenceOutputs(model, inputs) {
    return inputs.map(function (input) {
      var kind = model.header.kind, out;
      if (kind === "pronomen") {
        out = pronounForward(model, input);
        return { logits: out.logProbs, weights: nested([out.weights.kontext, out.weights.aufloesung]) };
      }
      out = kind === "char_gpt" ? charGptForward(model, input) : vitForward(model, input);
      return { logits: nested(out.logits), weights: nested(out.weights) };
    });
  }

  // ------------------------------------------------------------------ Sampling

  /** Mulberry32: kleiner 32-Bit-Zufallsgenerator; aufmerksamkeit.notebook.labor hat denselben. */
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Zieht einen Index aus softmax(logits / temperatur) mit der Zufallszahl u ∈ [0, 1). */
  function sampleIndex(logits, temperature, u) {
    if (!(temperature > 0) || !isFinite(temperature)) {
      throw new Error("Die Temperatur muss positiv und endlich sein, erhalten: " + temperature + ".");
    }
    var scaled = Array.prototype.map.call(logits, function (z) { return z / temperature; });
    var probs = softmax(scaled), cumulative = 0;
    for (var i = 0; i < probs.length; i++) {
      cumulative += probs[i];
      if (u < cumulative) { return i; }
    }
    return probs.length - 1;
  }

  /**
   * Erzeugt `length` Token-Indizes nach `promptIds` (Fenster: die letzten `context` Zeichen).
   * onStep(schritt) bekommt je Zeichen {id, window, weights, ms}; mit Rückgabe false bricht es ab.
   */
  function generate(model, promptIds, length, temperature, seed, onStep) {
    var rng = mulberry32(seed), ids = promptIds.slice(), out = [];
    var context = model.header.extra.context;
    for (var n = 0; n < length; n++) {
      var t0 = now();
      var window = ids.slice(-context);
      var result = charGptForward(model, window);
      var next = sampleIndex(result.logits[window.length - 1], temperature, rng());
      ids.push(next);
      out.push(next);
      if (onStep && onStep({ id: next, window: window, weights: result.weights, ms: now() - t0 }) === false) {
        break;
      }
    }
    return out;
  }

  function now() {
    return root.performance && root.performance.now ? root.performance.now() : Date.now();
  }

  // ------------------------------------------------------------------ Text

  /** Zerlegt wie pronouns.tokenize: Wörter (\w+) und einzelne Satzzeichen. */
  function tokenizeWords(text) {
    return text.match(/[\p{L}\p{M}\p{N}_]+|[^\p{L}\p{M}\p{N}_\s]/gu) || [];
  }

  function detokenize(tokens) {
    return tokens.join(" ").replace(/ ([,.])/g, "$1");
  }

  /** Levenshtein-Abstand (für „Meinten Sie …?“). */
  function editDistance(a, b) {
    a = a.toLowerCase(); b = b.toLowerCase();
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) { prev[j] = j; }
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  function closestWord(word, vocab) {
    var best = null, bestDistance = Infinity;
    vocab.forEach(function (v) {
      var dist = editDistance(word, v);
      if (dist < bestDistance) { bestDistance = dist; best = v; }
    });
    return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
  }

  /** Zahl mit Dezimalkomma: 0.5 → "0,5". */
  function comma(value, digits) { return value.toFixed(digits).replace(".", ","); }
  function percent(value) { return Math.round(100 * value) + " %"; }

  /** Ganze Zahlen ≈ total·Anteil, deren Summe round(total·Summe der Anteile) ist – Methode der
   * größten Reste wie aufmerksamkeit.core.formatting.largest_remainder: [0.335, 0.335, 0.33] →
   * [34, 33, 33] statt einzeln gerundet 34 + 34 + 33 = 101. */
  function largestRemainder(values, total) {
    var raw = values.map(function (v) { return total * v; });
    var whole = raw.map(Math.floor);
    var missing = Math.round(raw.reduce(function (s, v) { return s + v; }, 0)) -
      whole.reduce(function (s, v) { return s + v; }, 0);
    var order = raw.map(function (v, i) { return i; }).sort(function (a, b) {
      return (raw[b] - whole[b]) - (raw[a] - whole[a]) || a - b;
    });
    for (var k = 0; k < missing && k < order.length; k++) { whole[order[k]] += 1; }
    return whole;
  }

  /** Prozentangaben einer Liste von Anteilen, zusammen so viel wie die Anteile (größte Reste). */
  function percents(values) {
    return largestRemainder(values, 100).map(function (v) { return v + " %"; });
  }

  // ------------------------------------------------------------------ Laden

  var cache = {};
  var scriptUrl = (typeof document !== "undefined" && document.currentScript) ? document.currentScript.src : "";

  /** Lädt <name>.bin neben diesem Skript; von file:// aus die Base64-Ersatzdatei <name>.js. */
  function loadModel(name, baseUrl) {
    var base = baseUrl || scriptUrl;
    if (cache[name]) { return cache[name]; }
    var promise;
    if (typeof location !== "undefined" && location.protocol === "file:") {
      promise = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = new URL(name + ".js", base).href;
        s.onload = function () {
          var text = root.AufmerksamkeitLaborDaten && root.AufmerksamkeitLaborDaten[name];
          if (text) { resolve(base64ToBuffer(text)); } else { reject(new Error("Ersatzdatei ohne Daten")); }
        };
        s.onerror = function () { reject(new Error(name + ".js ließ sich nicht laden")); };
        document.head.appendChild(s);
      });
    } else {
      promise = fetch(new URL(name + ".bin", base).href).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status + " für " + name + ".bin"); }
        return r.arrayBuffer();
      });
    }
    cache[name] = promise.then(parseExport);
    return cache[name];
  }

  // ------------------------------------------------------------------ DOM-Hilfen

  var uid = 0;
  function nextId(prefix) { uid += 1; return "aufm-" + prefix + "-" + uid; }

  /** el("p", {class: "x", text: "…"}, [kinder]) */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; }
      else if (key === "on") { Object.keys(value).forEach(function (ev) { node.addEventListener(ev, value[ev]); }); }
      else { node.setAttribute(key, value === true ? "" : value); }
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return node;
  }

  function labelled(labelText, control, hidden) {
    if (!control.id) { control.id = nextId("feld"); }
    return el("span", { class: "aufm-feld" }, [
      el("label", { for: control.id, class: hidden ? "aufm-unsichtbar" : null, text: labelText }),
      control,
    ]);
  }

  function select(options, value, onChange) {
    var s = el("select", { on: { change: onChange } });
    options.forEach(function (o) {
      if (o.group) {
        var g = el("optgroup", { label: o.group });
        o.options.forEach(function (v) { g.appendChild(el("option", { value: v, text: v })); });
        s.appendChild(g);
      } else {
        s.appendChild(el("option", { value: o, text: o }));
      }
    });
    s.value = value;
    return s;
  }

  /** Farbe einer Gewichtszelle: weiß → dunkelblau; Schrift schwarz oder weiß, je nach Kontrast. */
  function heatColor(w) {
    w = Math.max(0, Math.min(1, w));
    var from = [255, 255, 255], to = [8, 48, 107];
    var rgb = from.map(function (f, i) { return Math.round(f + (to[i] - f) * Math.sqrt(w)); });
    var lin = rgb.map(function (c) { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
    var lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    var text = (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff";
    return { background: "rgb(" + rgb.join(",") + ")", color: text };
  }

  /**
   * Heatmap als Tabelle: Spalten = Tokens, Zeilen = Köpfe. Jede Zelle zeigt das
   * Gewicht in Prozent (lesbar für Screenreader und ohne Farben).
   */
  function heatTable(caption, columnLabels, rowLabels, values, highlight) {
    var head = el("tr", {}, [el("th", { scope: "col", class: "aufm-eck", text: "" })].concat(
      columnLabels.map(function (c, j) {
        return el("th", { scope: "col", class: j === highlight ? "aufm-hervor" : null, text: c });
      })));
    var body = rowLabels.map(function (r, i) {
      var shown = largestRemainder(Array.from(values[i]), 100);  // Zeile summiert sich zu 100
      return el("tr", {}, [el("th", { scope: "row", text: r })].concat(Array.from(values[i]).map(function (w, j) {
        var color = heatColor(w);
        var cell = el("td", { text: String(shown[j]) });
        cell.style.background = color.background;
        cell.style.color = color.color;
        return cell;
      })));
    });
    var table = el("table", { class: "aufm-heatmap" }, [
      el("caption", { text: caption }), el("thead", {}, [head]), el("tbody", {}, body)]);
    return el("div", { class: "aufm-scroll", tabindex: "0", role: "region", "aria-label": caption }, [table]);
  }

  function bars(items) {
    // items: [{label, value, strong}]
    return el("ul", { class: "aufm-balken" }, items.map(function (it) {
      var fill = el("span", { class: "aufm-fuellung" + (it.strong ? " aufm-stark" : "") });
      fill.style.width = (100 * Math.max(0, Math.min(1, it.value))).toFixed(1) + "%";
      return el("li", {}, [
        el("span", { class: "aufm-balken-name", text: it.label }),
        el("span", { class: "aufm-balken-spur", "aria-hidden": "true" }, [fill]),
        el("span", { class: "aufm-balken-wert", text: it.text || percent(it.value) }),
      ]);
    }));
  }

  function banner(container, model) {
    var meta = model.header.meta || {}, metrics = meta.metrics || {};
    var parts = ["Modell „" + (meta.name || model.header.kind) + "“"];
    var count = Object.keys(model.tensors).reduce(function (s, k) { return s + model.tensors[k].data.length; }, 0);
    parts.push(count.toLocaleString("de-DE") + " Zahlen");
    if (meta.seed !== undefined) { parts.push("Seed " + meta.seed); }
    if (typeof metrics.test_accuracy === "number") { parts.push("Genauigkeit auf Testdaten " + comma(metrics.test_accuracy, 3)); }
    container.appendChild(el("p", { class: "aufm-klein aufm-modell", text: parts.join(" · ") }));
  }

  /** Die Labore: Name → {Aufbau}; jeder Abschnitt unten trägt sich ein. Datei der Gewichte und
   * Titel stehen im Platzhalter (data-aufm-datei, aria-label), den das Verzeichnis der Modelle
   * in Python schreibt (aufmerksamkeit.models.registry, aufmerksamkeit.web.labs). */
  var LABS = {};

  // <labor pronomen> (der Build lässt diesen Abschnitt auf Seiten ohne dieses Labor weg)
  // ------------------------------------------------------------------ Pronomen-Labor

  function pronounLab(container, model) {
    var extra = model.header.extra, vocab = extra.vocab, slots = extra.slots, frames = extra.frames;
    var frameNames = Object.keys(frames);
    var tokenId = {};
    vocab.forEach(function (t, i) { tokenId[t] = i; });
    var heldOut = {};
    (extra.held_out || []).forEach(function (pair) { heldOut[pair[0] + "|" + pair[1]] = true; });
    (extra.held_out_in_frame || []).forEach(function (t) { heldOut[t.join("|")] = true; });
    var genderOf = {};
    slots.actors.f.concat(slots.obstacles.f).forEach(function (n) { genderOf[n] = "f"; });
    slots.actors.m.concat(slots.obstacles.m).forEach(function (n) { genderOf[n] = "m"; });
    var roleOfAdjective = {};
    slots.adjectives.actor.forEach(function (a) { roleOfAdjective[a] = "actor"; });
    slots.adjectives.obstacle.forEach(function (a) { roleOfAdjective[a] = "obstacle"; });

    /** Die Tokens eines Rahmens (Platzhalter aus der exportierten Datei) mit diesen Wörtern. */
    function fillFrame(name, actorWord, obstacleWord, adjectiveWord) {
      var g = genderOf[actorWord], words = Object.assign({}, extra.forms[g],
        { ACTOR: actorWord, OBSTACLE: obstacleWord, ADJECTIVE: adjectiveWord });
      return frames[name].map(function (slot) { return slot in words ? words[slot] : slot; });
    }

    container.textContent = "";
    banner(container, model);
    var frame = select([{ group: "Satzbau", options: frameNames }], frameNames[0], onSlot);
    Array.prototype.forEach.call(frame.querySelectorAll("option"), function (o) {
      o.textContent = detokenize(fillFrame(o.value, "Katze", "Mauer", "hoch"));
    });
    var actor = select([{ group: "feminin", options: slots.actors.f }, { group: "maskulin", options: slots.actors.m }],
      slots.actors.f[0], onSlot);
    var obstacle = select([], "", onSlot);
    var adjective = select([
      { group: "passt zum Tier", options: slots.adjectives.actor },
      { group: "passt zum Hindernis", options: slots.adjectives.obstacle }], slots.adjectives.obstacle[0], onSlot);
    var text = el("input", { type: "text", spellcheck: "false", autocomplete: "off", on: { input: onText } });
    var hint = el("p", { class: "aufm-hinweis", role: "status", "aria-live": "polite" });
    var result = el("div", { class: "aufm-ergebnis", "aria-live": "polite" });
    var maps = el("div", { class: "aufm-karten" });

    function fillObstacles(gender, keepIndex) {
      var list = slots.obstacles[gender], index = Math.max(0, keepIndex);
      obstacle.textContent = "";
      list.forEach(function (n) { obstacle.appendChild(el("option", { value: n, text: n })); });
      obstacle.value = list[Math.min(index, list.length - 1)];
    }
    fillObstacles("f", slots.obstacles.f.indexOf("Mauer"));

    function onSlot(event) {
      var g = genderOf[actor.value];
      if (event && event.target === actor && genderOf[obstacle.value] !== g) {
        var other = g === "f" ? "m" : "f";
        fillObstacles(g, slots.obstacles[other].indexOf(obstacle.value));
      }
      var tokens = fillFrame(frame.value, actor.value, obstacle.value, adjective.value);
      text.value = detokenize(tokens);
      text.removeAttribute("aria-invalid");
      update(tokens);
    }

    /** Steht der Satz so im Korpus? Dann {frame, actor, obstacle, adjective}, sonst null. */
    function corpusSentence(tokens) {
      for (var f = 0; f < frameNames.length; f++) {
        var slotsOf = frames[frameNames[f]];
        if (slotsOf.length !== tokens.length) { continue; }
        var a = tokens[slotsOf.indexOf("ACTOR")], o = tokens[slotsOf.indexOf("OBSTACLE")];
        var adj = tokens[slotsOf.indexOf("ADJECTIVE")], g = genderOf[a];
        if (!g || slots.actors[g].indexOf(a) < 0 || slots.obstacles[g].indexOf(o) < 0 || !roleOfAdjective[adj]) {
          continue;
        }
        var template = fillFrame(frameNames[f], a, o, adj);
        if (template.every(function (t, i) { return t === tokens[i]; })) {
          return { frame: frameNames[f], actor: a, obstacle: o, adjective: adj };
        }
      }
      return null;
    }

    function onText() {
      var tokens = tokenizeWords(text.value);
      var problems = checkSentence(tokens);
      if (problems) {
        hint.textContent = problems;
        text.setAttribute("aria-invalid", "true");
        result.textContent = "";  // kein veraltetes Ergebnis neben dem Hinweis
        maps.textContent = "";
        return;
      }
      text.removeAttribute("aria-invalid");
      var found = corpusSentence(tokens);  // Steht der Satz im Korpus, folgen die Auswahllisten.
      if (found) {
        frame.value = found.frame;
        actor.value = found.actor;
        fillObstacles(genderOf[found.actor], slots.obstacles[genderOf[found.actor]].indexOf(found.obstacle));
        adjective.value = found.adjective;
      }
      update(tokens);
    }

    /** Wörter derselben Rolle wie das unbekannte Wort (nach seiner Stelle im Rahmen). */
    function sameRoleWords(tokens, index) {
      var sentence = corpusSentence(fillFrame(frame.value, actor.value, obstacle.value, adjective.value));
      var slot = sentence && frames[sentence.frame].length === tokens.length ? frames[sentence.frame][index] : null;
      if (slot === "ACTOR") { return slots.actors.f.concat(slots.actors.m); }
      if (slot === "OBSTACLE") { return slots.obstacles.f.concat(slots.obstacles.m); }
      if (slot === "ADJECTIVE") { return slots.adjectives.actor.concat(slots.adjectives.obstacle); }
      return vocab;
    }

    function checkSentence(tokens) {
      var unknown = tokens.filter(function (t) { return !(t in tokenId); });
      if (unknown.length) {
        var w = unknown[0], guess = closestWord(w, sameRoleWords(tokens, tokens.indexOf(w)));
        return "Das Wort „" + w + "“ kennt das Modell nicht" + (guess ? " – meinten Sie „" + guess + "“?" : ".") +
          " Es kennt nur die " + vocab.length + " Wörter seines Korpus (alle stehen in den Auswahllisten oben).";
      }
      var maxLen = extra.max_len;
      if (tokens.length > maxLen) {
        return "Der Satz hat " + tokens.length + " Tokens; das Modell verarbeitet höchstens " + maxLen +
          " (Satzzeichen zählen mit).";
      }
      if (pronounIndex(extra, tokens.map(function (t) { return tokenId[t]; })) < 0) {
        return "Im Satz steht kein Pronomen: Das Modell braucht „sie“ oder „er“, wie in " +
          "„Die Katze sprang über die Mauer, weil sie hoch war.“";
      }
      return "";
    }

    function update(tokens) {
      var ids = tokens.map(function (t) { return tokenId[t]; });
      var t0 = now();
      var out = pronounForward(model, ids);
      var p = out.pronoun;
      var candidates = [];
      tokens.forEach(function (t, j) {
        var noun = extra.noun_of_token[ids[j]];
        if (noun >= 0 && !candidates.some(function (c) { return c.noun === noun; })) {
          candidates.push({ noun: noun, label: t, value: out.probs[noun] });
        }
      });
      candidates.sort(function (a, b) { return b.value - a.value; });
      result.textContent = "";
      var best = candidates[0];
      var found = corpusSentence(tokens), expected = null;
      if (found) { expected = roleOfAdjective[found.adjective] === "actor" ? found.actor : found.obstacle; }
      if (best) {
        var shown = percents(candidates.map(function (c) { return c.value; }));
        var verdict = el("p", { class: "aufm-vorhersage" }, [
          "Das Modell bezieht „" + tokens[p] + "“ auf ", el("strong", { text: best.label }),
          " (" + shown[0] + ")."]);
        if (expected) {
          var right = expected === best.label;
          verdict.appendChild(document.createTextNode(right ? " Das ist gemeint. " :
            " Gemeint ist aber „" + expected + "“. "));
          var unseen = heldOut[expected + "|" + found.adjective] ||
            heldOut[found.frame + "|" + expected + "|" + found.adjective];
          verdict.appendChild(el("span", { class: "aufm-klein", text: unseen ?
            "(Ein Testsatz: Diesen Satz hat das Modell im Training nie gesehen.)" :
            "(Ein Satz aus dem Training.)" }));
        } else {
          verdict.appendChild(el("span", { class: "aufm-klein", text:
            " (Diesen Satz gibt es im Korpus nicht – das Modell sieht ihn zum ersten Mal.)" }));
        }
        result.appendChild(verdict);
        result.appendChild(bars(candidates.map(function (c, i) {
          return { label: c.label, value: c.value, strong: i === 0, text: shown[i] };
        })));
      } else {
        result.appendChild(el("p", { text: "Im Satz steht kein Nomen, auf das das Pronomen zeigen könnte." }));
      }
      maps.textContent = "";
      [["kontext", "Schicht 1 (Kontext)"], ["aufloesung", "Schicht 2 (Auflösung)"]].forEach(function (layer) {
        var w = out.weights[layer[0]];
        var rows = w.map(function (headW) { return Array.from(headW[p]); });
        var labels = rows.map(function (_, i) { return "Kopf " + (i + 1); });
        if (layer[0] === "aufloesung") { rows.push(out.row); labels.push("Mittel"); }
        maps.appendChild(heatTable(layer[1] + ": Aufmerksamkeit von „" + tokens[p] + "“ in Prozent", tokens,
          labels, rows, p));
      });
      hint.textContent = "";
      container.dataset.dauerMs = (now() - t0).toFixed(2);
    }

    var sentence = el("fieldset", { class: "aufm-satz" }, [
      el("legend", { text: "Satz aus dem Wortschatz des Modells bauen" }),
      labelled("Satzbau", frame, true), " ", labelled("Tier", actor, true), " ",
      labelled("Hindernis", obstacle, true), " ", labelled("Adjektiv", adjective, true),
    ]);
    container.appendChild(sentence);
    container.appendChild(el("div", { class: "aufm-zeile" }, [labelled("Oder den Satz frei eingeben:", text)]));
    container.appendChild(hint);
    container.appendChild(result);
    container.appendChild(maps);
    onSlot();
    return { update: update, forward: function (ids) { return pronounForward(model, ids); } };
  }

  LABS.pronomen = { build: pronounLab };
  // </labor>

  // <labor textgenerierung> (der Build lässt diesen Abschnitt auf Seiten ohne dieses Labor weg)
  // ------------------------------------------------------------------ Textgenerierung

  function generationLab(container, model) {
    var extra = model.header.extra, chars = extra.chars, index = {};
    chars.forEach(function (c, i) { index[c] = i; });
    container.textContent = "";
    banner(container, model);
    var prompt = el("input", { type: "text", value: "Die Aufmerksamkeit ", spellcheck: "false", autocomplete: "off" });
    var temperature = el("input", { type: "range", min: "0.1", max: "2", step: "0.1", value: "0.8" });
    var temperatureOut = el("output", { text: "0,8" });
    var seed = el("input", { type: "number", min: "0", max: "999999", step: "1", value: "1", class: "aufm-zahl" });
    var length = el("input", { type: "number", min: "1", max: "500", step: "1", value: "120", class: "aufm-zahl" });
    var button = el("button", { type: "button", class: "aufm-knopf", text: "Erzeugen" });
    var hint = el("p", { class: "aufm-status", role: "status", "aria-live": "polite" });
    var output = el("p", { class: "aufm-text" });
    var step = el("input", { type: "range", min: "1", max: "1", step: "1", value: "1", disabled: true });
    var stepOut = el("output", { text: "–" });
    var maps = el("div", { class: "aufm-karten" });
    var history = [], running = null;

    function say(message, isError) {
      hint.textContent = message;
      hint.className = isError ? "aufm-hinweis" : "aufm-status";
    }

    function syncTemperature() {
      temperatureOut.textContent = comma(Number(temperature.value), 1);
      temperature.setAttribute("aria-valuetext", comma(Number(temperature.value), 1));
    }
    temperature.addEventListener("input", syncTemperature);
    syncTemperature();

    function show(n) {
      // Aufmerksamkeit des n-ten erzeugten Zeichens (1-basiert) auf sein Fenster.
      var entry = history[n - 1];
      maps.textContent = "";
      if (!entry) { stepOut.textContent = "–"; return; }
      var labels = entry.window.map(function (id) { var c = chars[id]; return c === " " ? "␣" : c === "\n" ? "↵" : c; });
      var rows = [], names = [];
      entry.weights.forEach(function (block, b) {
        block.forEach(function (headW, h) {
          rows.push(Array.from(headW[headW.length - 1]));
          names.push("Block " + (b + 1) + ", Kopf " + (h + 1));
        });
      });
      var c = chars[entry.id] === " " ? "␣" : chars[entry.id];
      stepOut.textContent = n + " („" + c + "“)";
      step.setAttribute("aria-valuetext", "Zeichen " + n + ": " + c);
      maps.appendChild(el("p", { class: "aufm-klein", text: "Zeichen " + n + " („" + c + "“) sagt die letzte " +
        "Fensterposition „" + labels[labels.length - 1] + "“ vorher. So verteilt sie ihre Aufmerksamkeit " +
        "auf die " + labels.length + " Zeichen des Fensters:" }));
      maps.appendChild(heatTable("Aufmerksamkeit von „" + labels[labels.length - 1] + "“ (Zeichen " + n +
        ") in Prozent", labels, names, rows, labels.length - 1));
      Array.prototype.forEach.call(output.querySelectorAll(".aufm-neu span"), function (s, i) {
        s.classList.toggle("aufm-aktuell", i === n - 1);
      });
    }
    step.addEventListener("input", function () { show(Number(step.value)); });

    function run() {
      if (running) { running.stop = true; }
      var text = prompt.value;
      var unknown = Array.from(new Set(Array.from(text).filter(function (c) { return !(c in index); })));
      if (!text.length) { say("Bitte mindestens ein Zeichen als Anfang eingeben.", true); return; }
      if (unknown.length) {
        say("Diese Zeichen kommen im Lehrtext nicht vor, das Modell kennt sie nicht: " +
          unknown.map(function (c) { return "„" + c + "“"; }).join(", ") + ". Bitte ersetzen Sie sie.", true);
        prompt.setAttribute("aria-invalid", "true");
        return;
      }
      prompt.removeAttribute("aria-invalid");
      var n = Math.max(1, Math.min(500, Math.floor(Number(length.value) || 1)));
      var s = Math.max(0, Math.floor(Number(seed.value) || 0));
      var temp = Number(temperature.value);
      var ids = Array.from(text).map(function (c) { return index[c]; });
      var fresh = el("span", { class: "aufm-neu" });
      output.textContent = "";
      output.appendChild(el("span", { class: "aufm-anfang", text: text }));
      output.appendChild(fresh);
      history = [];
      say("Das Modell schreibt …", false);
      var job = { stop: false, times: [] };
      running = job;
      var rng = mulberry32(s), all = ids.slice(), context = extra.context;
      function chunk() {
        if (job.stop) { return; }
        var frameStart = now();
        while (history.length < n && now() - frameStart < 12) {
          var t0 = now();
          var window = all.slice(-context);
          var result = charGptForward(model, window);
          var next = sampleIndex(result.logits[window.length - 1], temp, rng());
          all.push(next);
          history.push({ id: next, window: window, weights: result.weights });
          fresh.appendChild(el("span", { text: chars[next] }));
          job.times.push(now() - t0);
        }
        step.max = String(Math.max(1, history.length));
        step.value = String(history.length);
        step.disabled = false;
        show(history.length);
        if (history.length < n) {
          requestAnimationFrame(chunk);
        } else {
          var mean = job.times.reduce(function (a, b) { return a + b; }, 0) / job.times.length;
          container.dataset.dauerMs = mean.toFixed(3);
          container.dataset.zeitenMs = JSON.stringify(job.times.map(function (t) { return Math.round(t * 1000) / 1000; }));
          container.dataset.text = all.slice(ids.length).map(function (i) { return chars[i]; }).join("");
          say("Fertig: " + n + " Zeichen bei Temperatur " + comma(temp, 1) + " und Seed " + s +
            " (derselbe Seed gibt denselben Text).", false);
          running = null;
        }
      }
      chunk();
    }
    button.addEventListener("click", run);
    prompt.addEventListener("keydown", function (e) { if (e.key === "Enter") { run(); } });

    container.appendChild(el("div", { class: "aufm-zeile" }, [labelled("Anfang des Textes:", prompt)]));
    container.appendChild(el("div", { class: "aufm-zeile" }, [
      labelled("Temperatur:", temperature), temperatureOut,
      labelled("Seed:", seed), labelled("Zeichen:", length), button]));
    container.appendChild(hint);
    container.appendChild(output);
    container.appendChild(el("div", { class: "aufm-zeile" }, [labelled("Aufmerksamkeit zeigen für Zeichen", step), stepOut]));
    container.appendChild(maps);
    temperatureOut.setAttribute("for", temperature.id);
    stepOut.setAttribute("for", step.id);
    return { run: run };
  }

  LABS.textgenerierung = { build: generationLab };
  // </labor>

  // <labor ziffern> (der Build lässt diesen Abschnitt auf Seiten ohne dieses Labor weg)
  // ------------------------------------------------------------------ Ziffer zeichnen

  function digitLab(container, model) {
    var extra = model.header.extra, size = extra.image_size, patch = extra.patch_size, grid = size / patch;
    var pixels = new Float64Array(size * size), cursor = { x: Math.floor(size / 2), y: Math.floor(size / 2) };
    var examples = extra.examples || [];
    container.textContent = "";
    banner(container, model);
    var help = el("p", { class: "aufm-klein", id: nextId("hilfe"), text:
      "Zeichnen mit Maus, Finger oder Stift. Tastatur: Pfeiltasten bewegen den Rahmen, Leertaste malt, " +
      "Entf löscht das Pixel, Taste 0–9 lädt ein Beispiel." });
    var canvas = el("canvas", { width: String(size * 30), height: String(size * 30), tabindex: "0",
      role: "application", class: "aufm-leinwand", "aria-describedby": help.id,
      "aria-label": "Zeichenfläche, " + size + " × " + size + " Pixel" });
    var status = el("p", { class: "aufm-unsichtbar", role: "status", "aria-live": "polite" });
    var pen = el("input", { type: "radio", name: nextId("werkzeug"), value: "1", checked: true });
    var eraser = el("input", { type: "radio", name: pen.getAttribute("name"), value: "0" });
    var clear = el("button", { type: "button", class: "aufm-knopf", text: "Alles löschen" });
    var exampleSelect = el("select", {}, [el("option", { value: "", text: "– Beispiel laden –" })].concat(
      examples.map(function (ex, i) { return el("option", { value: String(i), text: "Testbild: Ziffer " + ex.label }); })));
    var result = el("div", { class: "aufm-ergebnis", "aria-live": "polite" });
    var maps = el("div", { class: "aufm-karten aufm-patchkarten" });
    var ctx = canvas.getContext("2d"), drawing = null, focused = false;

    function redraw() {
      var cell = canvas.width / size;
      for (var y = 0; y < size; y++) {
        for (var x = 0; x < size; x++) {
          var g = Math.round(255 * (1 - pixels[y * size + x]));
          ctx.fillStyle = "rgb(" + g + "," + g + "," + g + ")";
          ctx.fillRect(x * cell, y * cell, cell, cell);
        }
      }
      ctx.strokeStyle = "#9aa5b1";
      ctx.lineWidth = 1;
      for (var k = 1; k < grid; k++) {
        ctx.beginPath(); ctx.moveTo(k * patch * cell, 0); ctx.lineTo(k * patch * cell, canvas.height); ctx.stroke();
        ctx.beginPath(); ctx.moveTo(0, k * patch * cell); ctx.lineTo(canvas.width, k * patch * cell); ctx.stroke();
      }
      if (focused) {
        ctx.strokeStyle = "#d9480f";
        ctx.lineWidth = 3;
        ctx.strokeRect(cursor.x * cell + 1.5, cursor.y * cell + 1.5, cell - 3, cell - 3);
      }
    }

    function update() {
      var t0 = now();
      if (!pixels.some(function (v) { return v > 0; })) {
        // Ohne Eingabe keine Antwort: Ein leeres Bild ist keine Ziffer.
        result.textContent = "";
        result.appendChild(el("p", { class: "aufm-vorhersage" }, ["Zeichnen Sie eine Ziffer."]));
        maps.textContent = "";
        container.dataset.dauerMs = (now() - t0).toFixed(2);
        return null;
      }
      var out = vitForward(model, pixels);
      var order = out.probs.map(function (p, i) { return i; }).sort(function (a, b) { return out.probs[b] - out.probs[a]; });
      result.textContent = "";
      result.appendChild(el("p", { class: "aufm-vorhersage" }, ["Das Modell erkennt die Ziffer ",
        el("strong", { text: String(order[0]) }), " (" + percent(out.probs[order[0]]) + ")."]));
      result.appendChild(bars(out.probs.map(function (p, i) { return { label: String(i), value: p, strong: i === order[0] }; })));
      maps.textContent = "";
      out.weights.forEach(function (block, b) {
        var cards = block.map(function (headW, h) { return { name: "Kopf " + (h + 1), w: headW[0].slice(1) }; });
        var mean = new Float64Array(grid * grid);
        cards.forEach(function (c) { for (var i = 0; i < mean.length; i++) { mean[i] += c.w[i] / cards.length; } });
        cards.unshift({ name: "Mittel", w: mean });
        var figure = el("figure", { class: "aufm-patchgruppe" }, [
          el("figcaption", { text: "Block " + (b + 1) + ": Aufmerksamkeit des Klassen-Tokens auf die Patches" })]);
        cards.forEach(function (c) { figure.appendChild(patchCard(c.name, c.w)); });
        maps.appendChild(figure);
      });
      container.dataset.dauerMs = (now() - t0).toFixed(2);
      return out;
    }

    function patchCard(name, weights) {
      var px = 12, c = el("canvas", { width: String(size * px), height: String(size * px), role: "img" });
      var best = 0;
      for (var i = 1; i < weights.length; i++) { if (weights[i] > weights[best]) { best = i; } }
      var max = Math.max(weights[best], 1e-9);
      c.setAttribute("aria-label", name + ": stärkster Patch Zeile " + (Math.floor(best / grid) + 1) + ", Spalte " +
        (best % grid + 1) + " mit " + percent(weights[best]));
      var g2 = c.getContext("2d");
      for (var y = 0; y < size; y++) {
        for (var x = 0; x < size; x++) {
          var v = pixels[y * size + x], w = weights[Math.floor(y / patch) * grid + Math.floor(x / patch)] / max;
          var base = 255 * (1 - v);
          // Rot überlagert wie plot_patch_attention: Deckkraft 0,55 × Gewicht
          var a = 0.55 * w;
          var r = Math.round(base * (1 - a) + 203 * a), gg = Math.round(base * (1 - a) + 24 * a),
            bb = Math.round(base * (1 - a) + 29 * a);
          g2.fillStyle = "rgb(" + r + "," + gg + "," + bb + ")";
          g2.fillRect(x * px, y * px, px, px);
        }
      }
      return el("div", { class: "aufm-patchkarte" }, [c, el("span", { "aria-hidden": "true", text: name + " · max. " + percent(weights[best]) })]);
    }

    function paintAt(x, y, value) {
      if (x < 0 || y < 0 || x >= size || y >= size) { return; }
      if (pixels[y * size + x] === value) { return; }
      pixels[y * size + x] = value;
      redraw();
      update();
    }

    function cellOf(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: Math.floor((event.clientX - rect.left) / rect.width * size),
               y: Math.floor((event.clientY - rect.top) / rect.height * size) };
    }

    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      canvas.focus();
      drawing = e.button === 2 || eraser.checked ? 0 : 1;
      if (canvas.setPointerCapture) { try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* egal */ } }
      var c = cellOf(e);
      cursor = c;
      paintAt(c.x, c.y, drawing);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (drawing === null) { return; }
      var c = cellOf(e);
      cursor = { x: Math.max(0, Math.min(size - 1, c.x)), y: Math.max(0, Math.min(size - 1, c.y)) };
      paintAt(c.x, c.y, drawing);
    });
    ["pointerup", "pointercancel"].forEach(function (ev) { canvas.addEventListener(ev, function () { drawing = null; }); });
    canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    canvas.addEventListener("focus", function () { focused = true; redraw(); });
    canvas.addEventListener("blur", function () { focused = false; redraw(); });
    canvas.addEventListener("keydown", function (e) {
      var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (moves[e.key]) {
        cursor.x = Math.max(0, Math.min(size - 1, cursor.x + moves[e.key][0]));
        cursor.y = Math.max(0, Math.min(size - 1, cursor.y + moves[e.key][1]));
        if (e.shiftKey) { paintAt(cursor.x, cursor.y, eraser.checked ? 0 : 1); }
        redraw();
      } else if (e.key === " " || e.key === "Enter") {
        var v = pixels[cursor.y * size + cursor.x];
        paintAt(cursor.x, cursor.y, eraser.checked ? 0 : (v >= 0.5 ? 0 : 1));
      } else if (e.key === "Delete" || e.key === "Backspace") {
        paintAt(cursor.x, cursor.y, 0);
      } else if (/^[0-9]$/.test(e.key)) {
        var i = examples.findIndex(function (ex) { return String(ex.label) === e.key; });
        if (i >= 0) { load(i); }
      } else {
        return;
      }
      e.preventDefault();
      status.textContent = "Zeile " + (cursor.y + 1) + ", Spalte " + (cursor.x + 1) + ": " +
        (pixels[cursor.y * size + cursor.x] >= 0.5 ? "gemalt" : "leer");
    });

    function load(i) {
      var ex = examples[i];
      if (!ex) { return; }
      for (var k = 0; k < pixels.length; k++) { pixels[k] = ex.pixels[k]; }
      exampleSelect.value = String(i);
      redraw();
      update();
    }
    exampleSelect.addEventListener("change", function () { if (exampleSelect.value !== "") { load(Number(exampleSelect.value)); } });
    clear.addEventListener("click", function () { pixels.fill(0); exampleSelect.value = ""; redraw(); update(); });

    var tools = el("fieldset", { class: "aufm-werkzeug" }, [el("legend", { text: "Werkzeug" }),
      el("label", {}, [pen, " Stift"]), el("label", {}, [eraser, " Radierer"])]);
    var left = el("div", { class: "aufm-zeichnen" }, [canvas, tools, el("div", { class: "aufm-zeile" }, [
      labelled("Beispiel", exampleSelect, true), clear]), help, status]);
    container.appendChild(el("div", { class: "aufm-nebeneinander" }, [left, result]));
    container.appendChild(maps);
    var start = examples.findIndex(function (ex) { return ex.label === 3; });
    if (start >= 0) { load(start); } else { redraw(); update(); }
    return {
      setPixels: function (values) { for (var k = 0; k < pixels.length; k++) { pixels[k] = values[k]; } redraw(); return update(); },
      paintAt: paintAt,
    };
  }

  LABS.ziffern = { build: digitLab };
  // </labor>

  // ------------------------------------------------------------------ Start

  var instances = [];

  function startLab(container) {
    var kind = container.getAttribute("data-aufm-labor"), lab = LABS[kind];
    if (!lab) {
      container.textContent = "Unbekanntes Labor „" + kind + "“.";
      return Promise.resolve(null);
    }
    container.setAttribute("data-status", "laedt");
    var file = container.getAttribute("data-aufm-datei"), title = container.getAttribute("aria-label");
    return loadModel(file).then(function (model) {
      var handle = lab.build(container, model);
      instances.push({ kind: kind, container: container, model: model, handle: handle });
      container.setAttribute("data-status", "bereit");
      return handle;
    }).catch(function (error) {
      container.setAttribute("data-status", "fehler");
      container.textContent = "";
      container.appendChild(el("p", { class: "aufm-warnung", text: "Das " + title +
        " konnte sein Modell nicht laden (" + error.message + ")." }));
      if (root.console) { root.console.warn(error); }
      return null;
    });
  }

  function autostart() {
    if (typeof document === "undefined") { return; }
    var go = function () {
      Array.prototype.forEach.call(document.querySelectorAll("[data-aufm-labor]"), startLab);
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", go); } else { go(); }
  }

  return {
    parseExport: parseExport,
    base64ToBuffer: base64ToBuffer,
    linear: linear,
    layerNorm: layerNorm,
    erf: erf,
    gelu: gelu,
    softmax: softmax,
    multiHeadAttention: multiHeadAttention,
    encoderBlock: encoderBlock,
    pronounForward: pronounForward,
    charGptForward: charGptForward,
    imageToPatches: imageToPatches,
    vitForward: vitForward,
    referenceOutputs: referenceOutputs,
    mulberry32: mulberry32,
    sampleIndex: sampleIndex,
    generate: generate,
    tokenizeWords: tokenizeWords,
    detokenize: detokenize,
    closestWord: closestWord,
    percents: percents,
    largestRemainder: largestRemainder,
    heatColor: heatColor,
    loadModel: loadModel,
    startLab: startLab,
    autostart: autostart,
    instances: instances,
    labs: LABS,
  };
});
