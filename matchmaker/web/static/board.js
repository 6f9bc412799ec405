// The board: on a wide screen the folded filters open (on a phone they stay one line); after
// "load more" appends cards, the focus goes to the first new card's title without scrolling, so a
// keyboard or screen-reader user goes on reading where a sighted one does.
(function () {
  "use strict";
  var fold = document.querySelector(".filters-fold");
  if (fold && window.matchMedia("(min-width: 48rem)").matches) { fold.open = true; }
  var before = 0;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var list = document.getElementById("card-list");
    if (list && event.detail.target === list) { before = list.children.length; }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var list = document.getElementById("card-list");
    if (!list || event.detail.target !== list) { return; }
    var first = list.children[before];
    var link = first && first.querySelector("h2 a");
    if (link) { link.focus({ preventScroll: true }); }
  });
})();
