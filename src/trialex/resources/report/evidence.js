"use strict";
(function () {
  var card = document.getElementById("evidence");
  if (!card) return;
  var rows = Array.prototype.slice.call(card.querySelectorAll("tbody tr"));
  var inputs = Array.prototype.slice.call(card.querySelectorAll("[data-filter]"));
  var count = document.getElementById("evidence-count");

  function apply() {
    var want = {};
    inputs.forEach(function (input) {
      var name = input.getAttribute("data-filter");
      want[name] = input.type === "checkbox" ? input.checked : input.value.trim().toLowerCase();
    });
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok =
        (!want.endpoint || d.endpoint === want.endpoint) &&
        (!want.statistic || d.statistic === want.statistic) &&
        (!want.origin || d.origin === want.origin) &&
        (!want.review || d.review === want.review) &&
        (!want.language || d.language.split(" ").indexOf(want.language) !== -1) &&
        (!want.arm || d.arm.indexOf(want.arm) !== -1) &&
        (!want.suspect || d.suspect === "1");
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " rows";
  }

  inputs.forEach(function (input) {
    input.addEventListener(input.tagName === "SELECT" || input.type === "checkbox" ? "change" : "input", apply);
  });
  apply();
  document.body.setAttribute("data-ready", "1");
})();
