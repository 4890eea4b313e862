/* Keyboard shortcuts for queues: j / k move, Enter opens, a assigns to me, / searches.
   No inline script anywhere: this file is the only behaviour besides htmx. */
(function () {
  "use strict";
  function rows() { return Array.from(document.querySelectorAll("table[data-queue] tbody tr[data-href]")); }
  function current() { return document.querySelector("table[data-queue] tr.is-current"); }
  function select(row) {
    rows().forEach(function (r) { r.classList.remove("is-current"); r.removeAttribute("aria-selected"); });
    if (row) { row.classList.add("is-current"); row.setAttribute("aria-selected", "true"); row.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var list = rows();
    if (!list.length) { return; }
    var index = list.indexOf(current());
    if (event.key === "j") { select(list[Math.min(index + 1, list.length - 1)]); event.preventDefault(); }
    else if (event.key === "k") { select(list[Math.max(index - 1, 0)]); event.preventDefault(); }
    else if (event.key === "Enter" && index >= 0) { window.location = list[index].dataset.href; event.preventDefault(); }
    else if (event.key === "a" && index >= 0) {
      var button = list[index].querySelector("[data-assign]");
      if (button) { button.click(); event.preventDefault(); }
    } else if (event.key === "/") {
      var search = document.getElementById("id_q");
      if (search) { search.focus(); event.preventDefault(); }
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var row = id ? document.getElementById(id) : null;
    if (row && row.matches("tr[data-href]")) { select(row); }
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
})();
/* The header's language switcher changes at once; without script its button does it. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    if (button) { button.classList.add("visually-hidden-focusable"); }
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.requestSubmit(); });
    });
  });
})();
/* Irreversible acts ask first: a form with data-confirm opens the page's dialog, which
   names the consequence; only "Yes" sends it (htmx forms too). Without script the form
   is sent as it is. */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  function ask(text, proceed) {
    dialog.querySelector("[data-confirm-text]").textContent = text;
    dialog.returnValue = "";
    dialog.addEventListener("close", function once() {
      dialog.removeEventListener("close", once);
      if (dialog.returnValue === "confirm") { proceed(); }
    });
    dialog.showModal();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-confirm]") || form.hasAttribute("hx-post")) { return; }
    if (form.dataset.confirmed === "yes") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    var submitter = event.submitter;
    ask(form.dataset.confirm, function () {
      form.dataset.confirmed = "yes";
      form.requestSubmit(submitter || undefined);
    });
  }, true);
  document.body.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (!form) { return; }
    event.preventDefault();
    ask(form.dataset.confirm, function () { event.detail.issueRequest(true); });
  });
})();
