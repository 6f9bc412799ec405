// The need page's share box: "copy link" copies the address (and says so); without a clipboard
// the button stays hidden and the address field, selected on focus, is copied by hand.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy]");
  if (!button) { return; }
  var input = document.getElementById(button.getAttribute("data-copy"));
  var status = document.querySelector("[data-copy-status]");
  if (!input) { return; }
  input.addEventListener("focus", function () { input.select(); });
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      if (status) { status.textContent = button.getAttribute("data-copied"); }
    }, function () {
      input.focus();
    });
  });
})();
