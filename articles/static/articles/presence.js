"use strict";
// The change form's notice of who else has the article open (ArticleAdmin.presence_view):
// renewed every ARTICLES_PRESENCE_INTERVAL seconds while the form stays open, ended on leaving.
(function () {
  const notice = document.getElementById("presence");
  if (!notice) {
    return;
  }
  const url = notice.dataset.url;
  const token = notice.closest("form").querySelector("input[name=csrfmiddlewaretoken]").value;

  function body(leave) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("page", notice.dataset.page);
    if (leave) {
      data.append("leave", "1");
    }
    return data;
  }

  function show(text) {
    if (notice.textContent !== text) {
      notice.textContent = text;
    }
    notice.hidden = !text;
  }

  async function renew() {
    try {
      const response = await fetch(url, {method: "POST", body: body(false), credentials: "same-origin"});
      if (response.ok) {
        show((await response.json()).notice);
      }
    } catch (error) {
      // Offline for a moment: the next round tries again.
    }
  }

  setInterval(renew, Number(notice.dataset.interval) * 1000);
  window.addEventListener("pagehide", () => navigator.sendBeacon(url, body(true)));
  // Back to a page kept in the browser's memory: open again at once.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      renew();
    }
  });
})();
