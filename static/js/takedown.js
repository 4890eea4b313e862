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
