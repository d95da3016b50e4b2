// Barrierefreiheit (eingebunden von _ext/barrierefreiheit.py): Breite abgesetzte
// Formeln scrollen waagrecht. Damit man sie auch mit der Tastatur scrollen kann
// (WCAG 2.1.1, axe-Regel „scrollable-region-focusable“), bekommen sie nach dem
// Setzen durch MathJax einen Tabstopp. Ohne MathJax auf der Seite: nichts tun.
window.addEventListener("load", function () {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) {
    return;
  }
  MathJax.startup.promise.then(function () {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (el) {
      if (!el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    });
  });
});
