// Copy buttons for the "cite this page" and badge blocks (_cite.html, _badge.html): each text in a .copyable
// gets a button that copies it, and a status line says it was copied. The messages come from the page (data-*
// attributes, in its language). Without JavaScript, or where copying is refused, the text can be selected.
(function () {
  "use strict";

  function copyText(text, pre) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // A page opened from disk or over http: select the text and use the older copy command.
    var range = document.createRange();
    range.selectNodeContents(pre);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function selectText(pre) {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll(".share-block").forEach(function (block) {
    var status = document.createElement("p");
    status.className = "sr";
    status.setAttribute("role", "status");
    block.appendChild(status);
    block.querySelectorAll(".copyable").forEach(function (item) {
      var label = item.querySelector(".copy-label");
      var pre = item.querySelector("pre");
      var what = label.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = block.dataset.copy;
      button.setAttribute("aria-label", block.dataset.copyWhat.replace("{what}", what));
      button.addEventListener("click", function () {
        status.textContent = "";
        copyText(pre.textContent, pre).then(function () {
          status.textContent = block.dataset.copied.replace("{what}", what);
        }, function () {
          selectText(pre);
          status.textContent = block.dataset.copyFailed;
        });
      });
      label.appendChild(document.createTextNode(" "));
      label.appendChild(button);
    });
  });
})();
