/* The main menu collapses behind a button on small screens (fridsam.css, .fs-nav--collapsible).
   Loaded right after the menu, not deferred, so that the menu is collapsed before the first paint.
   Without JavaScript the button stays hidden and the menu open. */
(function () {
  "use strict";
  var nav = document.querySelector("[data-fs-nav]");
  var button = nav && nav.querySelector(".fs-nav__toggle");
  if (!button) {
    return;
  }
  function isOpen() {
    return button.getAttribute("aria-expanded") === "true";
  }
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("fs-nav--open", open);
  }
  setOpen(false);
  button.hidden = false;
  nav.classList.add("fs-nav--collapsible");
  button.addEventListener("click", function () {
    setOpen(!isOpen());
  });
  // Escape closes the open menu and gives the focus back to its button (small screens only: on
  // wide screens the button is not shown and the menu is always open).
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen() && button.offsetParent !== null) {
      setOpen(false);
      button.focus();
    }
  });
})();
