// The progress of an import on its ImportRun page: asks the server every two seconds while
// the import runs, then reloads the page to show each file's result. (Loaded in the page's
// head, with the admin's other scripts: it starts once the page is read.)
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !box.hasAttribute("data-running")) {
    return;
  }
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  function check() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        bar.max = progress.total || 1;
        bar.value = progress.done;
        text.textContent = progress.text;
        if (progress.running) {
          window.setTimeout(check, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(check, 10000);
      });
  }
  window.setTimeout(check, 2000);
});
