// The need import page: say at once when the chosen file is over the upload limit, instead of
// sending it only to be refused. The server refuses it anyway; this only saves the wait.
(function () {
  "use strict";
  var input = document.getElementById("file");
  var error = document.getElementById("file-error");
  if (!input || !error) { return; }
  var limit = Number(input.getAttribute("data-max-bytes"));
  function tooBig() {
    var file = input.files && input.files[0];
    return Boolean(file && limit && file.size > limit);
  }
  function check() {
    if (tooBig()) {
      error.textContent = input.getAttribute("data-too-big");
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "file-error file-hint");
    } else if (error.getAttribute("data-by-script") === "yes" || !error.textContent) {
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      return;
    }
    error.setAttribute("data-by-script", "yes");
  }
  input.addEventListener("change", check);
  input.form.addEventListener("submit", function (event) {
    if (tooBig()) { event.preventDefault(); check(); input.focus(); }
  });
})();
