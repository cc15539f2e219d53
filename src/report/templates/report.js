(function () {
  "use strict";
  var body = document.body;
  var onlyFailures = document.getElementById("only-failures");
  var search = document.getElementById("search");
  var steps = Array.prototype.slice.call(document.querySelectorAll("details.step"));
  var suites = Array.prototype.slice.call(document.querySelectorAll("section.suite"));
  function applyFilters() {
    body.classList.toggle("only-failures", onlyFailures.checked);
    var query = search.value.trim().toLowerCase();
    steps.forEach(function (step) {
      var name = step.getAttribute("data-name") || "";
      step.classList.toggle("no-match", query !== "" && name.indexOf(query) === -1);
    });
    suites.forEach(function (suite) {
      var shown = suite.querySelectorAll("details.step:not(.no-match)").length;
      suite.classList.toggle("empty", query !== "" && shown === 0);
    });
  }
  onlyFailures.addEventListener("change", applyFilters);
  search.addEventListener("input", applyFilters);
  document.getElementById("expand-all").addEventListener("click", function () {
    steps.forEach(function (step) { step.open = true; });
  });
  document.getElementById("collapse-all").addEventListener("click", function () {
    steps.forEach(function (step) { step.open = false; });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.textContent;
      var done = function () { button.textContent = "copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        if (document.execCommand("copy")) { done(); }
      }
    });
  });
  // A step jumped to from the failures list lands below the sticky header, not under it.
  var header = document.querySelector("header.run");
  function fitHeader() {
    document.documentElement.style.setProperty("--header-height", (header.offsetHeight + 8) + "px");
  }
  window.addEventListener("resize", fitHeader);
  fitHeader();
  if (window.location.hash === "#only-failures") {
    onlyFailures.checked = true;
  }
  applyFilters();
})();
