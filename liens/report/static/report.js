/* Draws every chart of the report from the figure JSON embedded next to its element. */
(function () {
  "use strict";
  var locale = JSON.parse(document.getElementById("liens-locale").textContent);
  Plotly.register(locale);
  var config = {
    locale: locale.name,
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
  };
  document.querySelectorAll("script[data-chart]").forEach(function (node) {
    var fig = JSON.parse(node.textContent);
    Plotly.newPlot(node.getAttribute("data-chart"), fig.data, fig.layout, config);
  });
  // Charts sized for the screen overflow a printed page: fit them to the paper and back.
  function resizeAll() {
    document.querySelectorAll(".plot").forEach(function (el) { Plotly.Plots.resize(el); });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
