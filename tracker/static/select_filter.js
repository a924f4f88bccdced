// Long lists made searchable: a text box above every <select> with more than 30 options (or marked
// data-searchable) hides the options that do not contain what is typed. Without JavaScript the plain select
// works as before; nothing is submitted by the box itself (it has no name). Texts come from the script tag
// (translated by the page): data-label, data-status ("{shown} of {total} shown").
(function () {
  "use strict";
  var script = document.currentScript;
  var THRESHOLD = 30;
  var texts = {
    label: (script && script.dataset.label) || "Filter the list",
    status: (script && script.dataset.status) || "{shown} of {total}"
  };

  function fold(text) {
    return String(text).toLocaleLowerCase("uk").replace(/[\u2019\u02bc`\u0027]/g, "'").replace(/\s+/g, " ").trim();
  }

  function wanted(select) {
    var mark = select.dataset.searchable;
    if (mark === "false") { return false; }
    return mark !== undefined || select.options.length > THRESHOLD;
  }

  function enhance(select, index) {
    if (!select.id) { select.id = "searchable-select-" + index; }
    var box = document.createElement("div");
    box.className = "select-filter";
    var label = document.createElement("label");
    var input = document.createElement("input");
    var status = document.createElement("span");
    input.type = "search";
    input.id = select.id + "-filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    status.id = select.id + "-filter-status";
    status.className = "select-filter-status";
    status.setAttribute("role", "status");
    label.htmlFor = input.id;
    label.textContent = texts.label;
    // The select's own label describes the box (its name stays "Filter the list", so that the select alone
    // answers to its label) and the count follows.
    var described = [];
    var own = select.labels && select.labels.length ? select.labels[0] : null;
    if (own) {
      if (!own.id) { own.id = select.id + "-label"; }
      described.push(own.id);
    }
    described.push(status.id);
    input.setAttribute("aria-describedby", described.join(" "));
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    var folded = options.map(function (option) { return fold(option.textContent); });

    function filter() {
      var words = fold(input.value).split(" ").filter(Boolean);
      var shown = 0, first = null, counted = 0;
      options.forEach(function (option, i) {
        var blank = option.value === "";
        var match = blank || words.every(function (word) { return folded[i].indexOf(word) !== -1; });
        option.hidden = !match;
        if (!blank) {
          counted += 1;
          if (match) { shown += 1; if (first === null) { first = option; } }
        }
      });
      status.textContent = words.length ? texts.status.replace("{shown}", shown).replace("{total}", counted) : "";
      return first;
    }

    function pickFirst() {
      var first = filter();
      if (!select.multiple && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", {bubbles: true}));
      }
    }

    input.addEventListener("input", pickFirst);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter picks the first match and moves on to the list; it does not submit the form half-filled.
        event.preventDefault();
        pickFirst();
        select.focus();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  Array.prototype.slice.call(document.querySelectorAll("select")).filter(wanted).forEach(enhance);
})();
