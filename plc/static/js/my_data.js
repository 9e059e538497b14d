// "My data": while an export is being prepared, fetch the page every few seconds and put its
// new status in place (a polite live region), until the download is offered. Without
// JavaScript the page says to refresh it.
(function () {
  "use strict";
  var DELAY_MS = 3000;
  function poll() {
    var region = document.getElementById("export-status");
    if (!region || !region.dataset.poll) {
      return;
    }
    window.setTimeout(function () {
      fetch(region.dataset.poll, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) {
            return;
          }
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("export-status");
          if (!fresh) {
            return;
          }
          region.innerHTML = fresh.innerHTML;
          if (fresh.dataset.poll) {
            poll();
          } else {
            delete region.dataset.poll;
            var form = page.querySelector("main form[method=post]");
            if (form && !document.querySelector("main form[method=post]")) {
              region.insertAdjacentElement("afterend", document.importNode(form, true));
            }
          }
        })
        .catch(function () { /* the refresh link still works */ });
    }, DELAY_MS);
  }
  poll();
})();
