// A refused form: the page's alert lists every problem as a link to its field (label — message),
// and the focus goes to the first problem, so a reader on a phone lands on what to fix rather
// than at the top. The server marks the fields (aria-invalid, aria-describedby → the message);
// without script the alert and the messages beside the fields still say everything.
(function () {
  "use strict";
  function labelOf(field) {
    if (field.tagName === "FIELDSET") {
      var legend = field.querySelector("legend");
      return legend ? legend.textContent.trim() : "";
    }
    return field.labels && field.labels.length ? field.labels[0].textContent.trim() : "";
  }
  function messageOf(field) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i++) {
      var node = ids[i] && document.getElementById(ids[i]);
      if (node && node.classList.contains("field-error")) { return node.textContent.trim(); }
    }
    var next = field.nextElementSibling;
    return next && next.classList.contains("field-error") ? next.textContent.trim() : "";
  }
  function target(field) {
    return field.tagName === "FIELDSET" ? field.querySelector("input, select, textarea") : field;
  }
  function summarise(root) {
    var fields = Array.prototype.filter.call(
      root.querySelectorAll('[aria-invalid="true"]'),
      function (f) { return f.offsetParent !== null || f.tagName === "FIELDSET"; }
    );
    if (!fields.length) { return; }
    var form = fields[0].closest("form");
    var alert = root.querySelector(".alert[role=alert]");
    if (!alert && form) {
      alert = document.createElement("div");
      alert.className = "alert";
      alert.setAttribute("role", "alert");
      form.insertBefore(alert, form.firstChild);
    }
    if (alert && !alert.querySelector(".problems")) {
      var list = document.createElement("ul");
      list.className = "problems";
      fields.forEach(function (field) {
        var goal = target(field);
        if (!goal || !goal.id) { return; }
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + goal.id;
        var message = messageOf(field);
        var colon = document.documentElement.lang.indexOf("zh") === 0 ? "：" : ": ";
        link.textContent = labelOf(field) + (message ? colon + message : "");
        link.addEventListener("click", function (event) { event.preventDefault(); goal.focus(); });
        item.appendChild(link);
        list.appendChild(item);
      });
      if (list.children.length) { alert.appendChild(list); }
    }
    var first = target(fields[0]);
    if (first) { first.focus(); }
  }
  summarise(document.querySelector("main") || document.body);
  // a form the browser checks itself (required, min, type) says so in the page's language, not
  // in the browser's: the words come from the catalogue, on <body data-msg-…>
  var said = document.body.dataset;
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    if (!field.setCustomValidity) { return; }
    field.setCustomValidity("");
    if (field.validity.valid) { return; }
    var choice = field.type === "checkbox" || field.type === "radio" || field.tagName === "SELECT";
    var message = field.validity.valueMissing ? (choice ? said.msgChoose : said.msgRequired) : said.msgInvalid;
    field.setCustomValidity(message || "");
  }, true);
  function clear(event) {
    var field = event.target;
    if (!field.setCustomValidity) { return; }
    field.setCustomValidity("");
    if (field.name && (field.type === "radio")) {
      var group = document.getElementsByName(field.name);
      for (var i = 0; i < group.length; i++) { group[i].setCustomValidity(""); }
    }
  }
  document.addEventListener("input", clear, true);
  document.addEventListener("change", clear, true);
  // a form refused through htmx (the inbox's forms) is swapped in: summarise what came in
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.detail.target;
    summarise((swapped.id && document.getElementById(swapped.id)) || swapped);
  });
})();
