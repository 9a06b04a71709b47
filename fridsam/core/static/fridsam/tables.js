/* On a small screen a table wider than the screen scrolls inside its own box (fridsam.css). Such a
   table gets tabindex="0" so that it can be scrolled with the keyboard too, and a line above it says
   that it scrolls sideways (the text comes translated from the script tag's data-scroll-hint); when
   it fits again (a wider window), both go. Tables in a box of their own (.fs-matrix-wrap) have the
   tabindex on the box, and the line above the box. */
(function () {
  "use strict";
  var SELECTOR = "main table.ds-table, main table.rp-table";
  var MARK = "data-fs-scroll-focus";
  var script = document.currentScript;
  var HINT = script ? script.getAttribute("data-scroll-hint") : null;

  function hintFor(box) {
    var before = box.previousElementSibling;
    return before && before.classList.contains("fs-scroll-hint") ? before : null;
  }

  function update() {
    var tables = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var wrap = table.closest(".fs-matrix-wrap");
      var box = wrap || table;
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (!wrap) {
        if (scrolls && !table.hasAttribute("tabindex")) {
          table.setAttribute("tabindex", "0");
          table.setAttribute(MARK, "");
        } else if (!scrolls && table.hasAttribute(MARK)) {
          table.removeAttribute("tabindex");
          table.removeAttribute(MARK);
        }
      }
      var hint = hintFor(box);
      if (scrolls && !hint && HINT) {
        hint = document.createElement("p");
        hint.className = "fs-scroll-hint";
        hint.textContent = HINT;
        box.parentNode.insertBefore(hint, box);
      } else if (!scrolls && hint) {
        hint.remove();
      }
    }
  }

  var pending = null;
  function later() {
    if (pending === null) {
      pending = window.requestAnimationFrame(function () {
        pending = null;
        update();
      });
    }
  }

  update();
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
