// hoshi: the little JavaScript the site uses.  Everything works without it;
// with it, answers of the self-diagnosis are saved as soon as they are
// clicked, so closing the tab never loses them, and forms that cannot be
// undone (withdrawing a declaration) ask first.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var status = form.querySelector(".autosave");
  var meter = document.querySelector("p.progress");
  function recount() {
    if (!meter) return;
    var n = parseInt(meter.getAttribute("data-other"), 10) +
      form.querySelectorAll("input[type=radio]:checked").length;
    meter.querySelector("progress").value = n;
    meter.querySelector(".count").textContent = String(n);
  }
  form.addEventListener("change", function () {
    recount();
    var body = new URLSearchParams(new FormData(form));
    body.delete("nav");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin"
    }).then(function (r) {
      if (r.ok && status) status.textContent = form.getAttribute("data-saved");
    }).catch(function () {});
  });
});
