// Quick exit: leave for a neutral site and replace this page in the browser's history, so that
// the back button does not lead here. The button is an ordinary link without JavaScript.
(function () {
  "use strict";
  function leave(url) {
    document.body.hidden = true;
    window.location.replace(url);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll("[data-quick-exit]");
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        leave(link.href);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && links.length) {
        leave(links[0].href);
      }
    });
  });
})();
