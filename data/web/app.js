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

// ---- Surveys (issue 9): live routing on the answering page ---------------
// Each item of a questionnaire page carries its XLSForm `relevant`
// expression as written (data-relevant).  This evaluates them, with the
// semantics of src/lib/survey/expr_eval.c (XPath 1.0 types; a question's
// value is its answers joined by single spaces; < <= > >= compare numbers;
// = != compare as booleans if either side is one, else as numbers if
// either side is one, else as strings), over this page's inputs and the
// saved answers of the other pages (the form's data-answers).  An item
// whose expression is false is hidden and its inputs disabled, so they are
// not posted; the server prunes them anyway.  An expression this cannot
// read leaves its item as the server rendered it.
(function () {
  "use strict";
  function lex(s) {
    var t = [], i = 0, m;
    var re = /^(\s+)|^(\$\{[A-Za-z][A-Za-z0-9]*\})|^('[^']*'|"[^"]*")|^(\d+(?:\.\d*)?|\.\d+)|^(!=|<=|>=|=|<|>|\(|\)|,|-)|^([A-Za-z][A-Za-z0-9-]*)|^(\.)/;
    while (i < s.length) {
      m = re.exec(s.slice(i));
      if (!m) throw new Error("lex");
      i += m[0].length;
      if (m[1]) continue;
      if (m[2]) t.push({ k: "ref", v: m[2].slice(2, -1) });
      else if (m[3]) t.push({ k: "str", v: m[3].slice(1, -1) });
      else if (m[4]) t.push({ k: "num", v: parseFloat(m[4]) });
      else if (m[5]) t.push({ k: "op", v: m[5] });
      else if (m[6]) t.push({ k: "name", v: m[6] });
      else t.push({ k: "dot" });
    }
    return t;
  }
  // Values: {t:"b"|"n"|"s", v}.  A string is a list of pieces (a MA's codes).
  function B(x) { return { t: "b", v: !!x }; }
  function N(x) { return { t: "n", v: x }; }
  function S(list) { return { t: "s", v: list }; }
  function str(a) {
    if (a.t === "s") return a.v.join(" ");
    if (a.t === "b") return a.v ? "true" : "false";
    if (isNaN(a.v)) return "NaN";
    return String(a.v);
  }
  function num(a) {
    if (a.t === "n") return a.v;
    if (a.t === "b") return a.v ? 1 : 0;
    if (a.v.length !== 1) return NaN;
    var s = a.v[0].trim();
    return /^-?(\d+(\.\d*)?|\.\d+)$/.test(s) ? parseFloat(s) : NaN;
  }
  function bool(a) {
    if (a.t === "b") return a.v;
    if (a.t === "n") return a.v !== 0 && !isNaN(a.v);
    return str(a).length > 0;
  }
  function tokens(a) { return str(a).split(/[ \t\r\n]+/).filter(function (x) { return x !== ""; }); }
  function compare(op, a, b) {
    if (op === "=" || op === "!=") {
      var eq;
      if (a.t === "b" || b.t === "b") eq = bool(a) === bool(b);
      else if (a.t === "n" || b.t === "n") eq = num(a) === num(b);
      else eq = str(a) === str(b);
      return op === "=" ? eq : !eq;
    }
    var x = num(a), y = num(b);
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }
  function evaluate(src, look, self) {
    var t = lex(src), p = 0;
    function peek(k, v) { return p < t.length && t[p].k === k && (v === undefined || t[p].v === v); }
    function need(k, v) { if (!peek(k, v)) throw new Error("parse"); return t[p++]; }
    function or() {
      var a = and();
      while (peek("name", "or")) { p++; var b = and(); a = B(bool(a) || bool(b)); }
      return a;
    }
    function and() {
      var a = cmp();
      while (peek("name", "and")) { p++; var b = cmp(); a = B(bool(a) && bool(b)); }
      return a;
    }
    // XPath: = and != bind looser than < <= > >=; each level left to right.
    function cmp() {
      var a = rel();
      while (peek("op") && /^(=|!=)$/.test(t[p].v)) {
        var op = t[p++].v, b = rel();
        a = B(compare(op, a, b));
      }
      return a;
    }
    function rel() {
      var a = unary();
      while (peek("op") && /^(<|<=|>|>=)$/.test(t[p].v)) {
        var op = t[p++].v, b = unary();
        a = B(compare(op, a, b));
      }
      return a;
    }
    function unary() {
      if (peek("op", "-")) { p++; return N(-num(unary())); }
      return primary();
    }
    function args() {
      var list = [];
      need("op", "(");
      if (!peek("op", ")")) {
        list.push(or());
        while (peek("op", ",")) { p++; list.push(or()); }
      }
      need("op", ")");
      return list;
    }
    function primary() {
      var k = t[p];
      if (!k) throw new Error("parse");
      if (k.k === "op" && k.v === "(") { p++; var v = or(); need("op", ")"); return v; }
      p++;
      if (k.k === "num") return N(k.v);
      if (k.k === "str") return S([k.v]);
      if (k.k === "ref") return S(look(k.v));
      if (k.k === "dot") return S(look(self));
      if (k.k !== "name") throw new Error("parse");
      var a = args();
      switch (k.v) {
        case "true": return B(true);
        case "false": return B(false);
        case "not": return B(!bool(a[0]));
        case "selected":
          var code = str(a[1]).trim();
          return B(code !== "" && !/\s/.test(code) && tokens(a[0]).indexOf(code) >= 0);
        case "count-selected": return N(tokens(a[0]).length);
        case "string-length": return N(Array.from(str(a[0])).length);
      }
      throw new Error("parse");
    }
    var v = or();
    if (p !== t.length) throw new Error("parse");
    return bool(v);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.survey-form");
    if (!form) return;
    var saved = {};
    try { saved = JSON.parse(form.getAttribute("data-answers") || "{}"); } catch (e) { saved = {}; }
    var items = form.querySelectorAll("[data-name]");
    function look(name) {
      var inputs = form.querySelectorAll("[name=\"" + name + "\"]");
      if (inputs.length === 0) return saved[name] || [];
      var out = [];
      inputs.forEach(function (el) {
        if (el.disabled) return;
        if (el.type === "radio" || el.type === "checkbox") { if (el.checked) out.push(el.value); }
        else if (el.value.trim() !== "") out.push(el.value.trim());
      });
      return out;
    }
    function shown(el) {
      // An item is shown when it and every enclosing item are.
      for (var x = el; x && x !== form; x = x.parentElement) {
        var expr = x.getAttribute && x.getAttribute("data-relevant");
        if (!expr) continue;
        try { if (!evaluate(expr, look, x.getAttribute("data-name"))) return false; }
        catch (e) { return !x.hidden; }
      }
      return true;
    }
    function route() {
      // Twice: showing one item may make another relevant.
      for (var round = 0; round < 3; round++) {
        var changed = false;
        items.forEach(function (el) {
          var on = shown(el);
          if (el.hidden === !on) return;
          changed = true;
          el.hidden = !on;
          el.querySelectorAll("input, textarea, select").forEach(function (i) {
            var owner = i.closest("[data-name]");
            i.disabled = !on || (owner !== el && owner.hidden);
          });
        });
        if (!changed) break;
      }
    }
    form.addEventListener("change", route);
    form.addEventListener("input", route);
    route();
  });
  window.hoshiSurveyEval = evaluate; // for tests
})();
// ---- end of surveys ------------------------------------------------------

// A form sent back with errors: the focus goes to the error summary
// (form_errors.c), and its links move the focus to their fields.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.querySelectorAll("a[href^='#']").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var field = document.getElementById(a.getAttribute("href").slice(1));
      if (!field) return;
      e.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  });
});
