// Drucken (eingebunden von _ext/barrierefreiheit.py): Vor dem Drucken öffnen wir alle
// eingeklappten <details>-Kästen (etwa „Code: scaled_dot_product_attention“), danach
// schließen wir, was vorher geschlossen war. Lösungen zeigt das Druck-CSS selbst.
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
