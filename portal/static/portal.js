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

// 长辈模式: a "read this page aloud" button, shown only where the browser can speak (Web Speech API). It reads
// the main content in the page's language; a second press stops. Without the API the button stays hidden.
(function () {
  "use strict";
  var button = document.getElementById("read-aloud");
  if (!button || !("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var speech = window.speechSynthesis;
  function label(speaking) {
    button.textContent = speaking ? button.dataset.stop : button.dataset.start;
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
  }
  function text() {
    var main = document.getElementById("main").cloneNode(true);
    main.querySelectorAll(".read-aloud, script, svg, [hidden], .visually-hidden").forEach(function (n) { n.remove(); });
    return main.innerText || main.textContent || "";
  }
  button.hidden = false;
  label(false);
  button.addEventListener("click", function () {
    if (speech.speaking || speech.pending) { speech.cancel(); label(false); return; }
    var utterance = new window.SpeechSynthesisUtterance(text());
    utterance.lang = document.documentElement.lang || "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = function () { label(false); };
    utterance.onerror = function () { label(false); };
    speech.speak(utterance);
    label(true);
  });
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
