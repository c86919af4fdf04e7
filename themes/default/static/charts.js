/* Interactive charts: each figure with a Vega-Lite spec (script.chart-spec) is drawn again by vega-embed,
   with tooltips, from the Vega bundle shipped in this site (this script's data-bundle). The bundle is some
   900 KB, so it is loaded only when a reader points at, touches or focuses a chart: a page read on a phone
   costs no more than its static pictures. The static picture is replaced only once the interactive one is
   drawn; if anything fails, the static picture stays. Nothing is loaded from elsewhere. */
(function () {
  "use strict";
  var script = document.currentScript;
  var bundle = script && script.getAttribute("data-bundle");
  var specs = document.querySelectorAll("figure.chart script.chart-spec");
  if (!bundle || !specs.length) return;
  var asked = false;
  var events = ["pointerenter", "focusin", "touchstart"];

  function load() {
    if (asked) return;
    asked = true;
    Array.prototype.forEach.call(specs, function (node) {
      events.forEach(function (name) { node.parentNode.removeEventListener(name, load); });
    });
    var tag = document.createElement("script");
    tag.src = bundle;
    tag.onload = drawAll;
    document.head.appendChild(tag);
  }

  Array.prototype.forEach.call(specs, function (node) {
    events.forEach(function (name) { node.parentNode.addEventListener(name, load, { passive: true }); });
  });

  function drawAll() {
    if (typeof window.vegaEmbed !== "function") return;
    Array.prototype.forEach.call(specs, draw);
  }

  function draw(node) {
    var figure = node.parentNode;
    var picture = figure.querySelector(".chart-picture");
    if (!picture) return;
    var spec;
    try {
      spec = JSON.parse(node.textContent);
    } catch (error) {
      return;
    }
    // A chart that loads its data from a file of the site (the map's boundaries) cannot fetch it from a page
    // opened from disk (browsers refuse file:// requests): there the static picture stays.
    if (location.protocol === "file:" && node.textContent.indexOf('"url"') !== -1) return;
    // A chart as wide as its container (the map) takes the height its static picture has at this width: a
    // fixed height left a phone's map small in a tall empty box.
    var drawn = picture.getBoundingClientRect().height;
    if (spec.width === "container" && typeof spec.height === "number" && drawn > 0) {
      spec.height = Math.round(drawn);
    }
    var meta = (spec.usermeta && spec.usermeta.embedOptions) || {};
    var box = document.createElement("div");
    // Drawn while hidden, but still laid out (.is-drawing): a spec as wide as its container (the map) measures
    // the box, and a box with display: none is 0 px wide, which drew the map with no width at all.
    box.className = "chart-interactive is-drawing";
    box.hidden = true;
    picture.parentNode.insertBefore(box, picture.nextSibling);
    window.vegaEmbed(box, spec, {
      actions: false,
      renderer: "svg",
      formatLocale: meta.formatLocale,
      downloadFileName: figure.id
    }).then(function () {
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", picture.getAttribute("aria-label") || "");
      box.classList.remove("is-drawing");
      box.hidden = false;
      picture.hidden = true;
      figure.classList.add("is-interactive");
    }).catch(function () {
      box.parentNode.removeChild(box);
    });
  }
})();
