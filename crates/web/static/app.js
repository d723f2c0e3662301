// mujun — small progressive enhancements; every page works without this script.
(function () {
  "use strict";
  // Buttons and links that ask for confirmation: data-confirm="确认……？"
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // "Back" buttons on error pages.
  var back = document.querySelectorAll("[data-back]");
  for (var i = 0; i < back.length; i++) {
    if (window.history.length > 1) { back[i].hidden = false; }
    back[i].addEventListener("click", function () { window.history.back(); });
  }
  // Filter selects submit their form on change.
  var autos = document.querySelectorAll("select[data-autosubmit]");
  for (var j = 0; j < autos.length; j++) {
    autos[j].addEventListener("change", function (e) { e.target.form.submit(); });
  }
  // Tables marked "as-cards" become one card per row on a phone: each cell is labelled with its
  // column's header (the stylesheet shows the label only at phone width).
  var cardTables = document.querySelectorAll("table.as-cards");
  for (var t = 0; t < cardTables.length; t++) {
    var heads = cardTables[t].querySelectorAll("thead th");
    var rows = cardTables[t].querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].children;
      for (var c = 0; c < cells.length && c < heads.length; c++) {
        if (!cells[c].hasAttribute("data-label")) {
          cells[c].setAttribute("data-label", heads[c].textContent.trim());
        }
      }
    }
  }
  // A measure's form shows only the parameters of the kind chosen (without script, all show).
  var kind = document.querySelector("form select[name=kind]");
  if (kind) {
    var show = function () {
      var params = kind.form.querySelectorAll("[data-kind]");
      for (var k = 0; k < params.length; k++) {
        params[k].hidden = params[k].getAttribute("data-kind") !== kind.value;
      }
    };
    kind.addEventListener("change", show);
    show();
  }
})();
