/* The search page: Pagefind's own interface (pagefind/pagefind-ui.js, built with the site) with the site's
   labels. Everything it loads comes from the site's pagefind/ folder, found relative to this page, so the
   search works under any sub-path. A search typed in another page's box arrives as ?q=. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  // Opened from disk (file:) the browser refuses to fetch the index: the A–Z lists stay the way in.
  if (!box || typeof window.PagefindUI !== "function" || window.location.protocol === "file:") {
    return;
  }
  document.documentElement.classList.add("has-search");
  var bundle = new URL(box.getAttribute("data-bundle"), window.location.href).pathname;
  var ui = new window.PagefindUI({
    element: "#search",
    bundlePath: bundle,
    showImages: false,
    showSubResults: false,
    resetStyles: false,
    pageSize: 10,
    translations: JSON.parse(box.getAttribute("data-translations"))
  });
  // Pagefind's box is named only by its placeholder: give it a visible label (WCAG 3.3.2).
  var input = box.querySelector(".pagefind-ui__search-input");
  if (input) {
    input.id = "search-input";
    var label = document.createElement("label");
    label.htmlFor = "search-input";
    label.className = "search-label";
    label.textContent = box.getAttribute("data-label");
    box.parentNode.insertBefore(label, box);
  }
  var term = new URLSearchParams(window.location.search).get("q");
  if (term) {
    ui.triggerSearch(term);
  }
}());
