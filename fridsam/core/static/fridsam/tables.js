/* On a small screen a table wider than the screen scrolls inside its own box (fridsam.css). Such a
   table gets tabindex="0" so that it can be scrolled with the keyboard too; when it fits again
   (a wider window), the tabindex goes. Tables in a box of their own (.fs-matrix-wrap) have it there. */
(function () {
  "use strict";
  var SELECTOR = "main table.ds-table, main table.rp-table";
  var MARK = "data-fs-scroll-focus";

  function update() {
    var tables = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.closest(".fs-matrix-wrap")) {
        continue;
      }
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute(MARK, "");
      } else if (!scrolls && table.hasAttribute(MARK)) {
        table.removeAttribute("tabindex");
        table.removeAttribute(MARK);
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
