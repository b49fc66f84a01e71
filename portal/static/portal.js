// Progressive enhancement only: every page works without this file.
// On the search page, changing a filter's <select> does not submit by itself (no surprise for keyboard
// users); we only keep at most three homes ticked for comparison and say so next to the button.
(function () {
  "use strict";
  var boxes = document.querySelectorAll('.compare-pick input[type="checkbox"]');
  if (!boxes.length) { return; }
  function update() {
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
    boxes.forEach(function (box) { box.disabled = !box.checked && ticked >= 3; });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
}());
// The credit report's print button: shown only where it works (the page says how to print without it).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-print]");
  if (!buttons.length || typeof window.print !== "function") { return; }
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
