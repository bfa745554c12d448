/*
 * The article form's "Search and social" fieldset (articles/seo.py): each length hint counts
 * the characters of its input as the editor types (or names the field used instead while the
 * input is empty), and the search result preview shows the title, address and description
 * that search engines would get. Loaded from a file, deferred: the admin's Content Security
 * Policy allows no inline script. Text is only ever set as text, never as HTML.
 */
"use strict";

(function () {
  const form = document.querySelector("#article_form");
  if (!form) {
    return;
  }

  function length(text) {
    return [...text].length; // characters, as Python counts them, not UTF-16 units
  }

  function valueOf(id) {
    const input = document.getElementById(id);
    return input ? input.value.trim() : "";
  }

  // The first of ``ids`` (space-separated element ids) whose input holds text, with its index.
  function firstFilled(ids) {
    const list = ids.split(" ").filter(Boolean);
    for (let index = 0; index < list.length; index += 1) {
      const value = valueOf(list[index]);
      if (value) {
        return { value, index };
      }
    }
    return { value: "", index: -1 };
  }

  function updateHint(hint) {
    const recommended = Number(hint.dataset.recommended);
    const own = valueOf(hint.dataset.lengthFor);
    const labels = hint.dataset.fallbackLabels.split("|");
    let text;
    let count = length(own);
    if (own) {
      text = `${count} of about ${recommended} characters`;
    } else {
      const fallback = firstFilled(hint.dataset.fallbackIds);
      count = length(fallback.value);
      text = fallback.value
        ? `Empty: ${labels[fallback.index]} is used (${count} of about ${recommended} characters)`
        : `Empty: ${labels.join(" or ")} is used.`;
    }
    const over = count > recommended;
    if (over) {
      text += own ? ": it may be cut short" : "";
    }
    hint.classList.toggle("length-hint--over", over);
    if (hint.textContent !== text) {
      hint.textContent = text;
    }
  }

  function updatePreview(preview) {
    const siteName = preview.dataset.siteName;
    const title = firstFilled(preview.dataset.titleSources).value;
    const parts = {
      title: title ? `${title} — ${siteName}` : siteName,
      description: firstFilled(preview.dataset.descriptionSources).value,
      slug: valueOf(preview.dataset.slugSource),
    };
    for (const element of preview.querySelectorAll("[data-preview]")) {
      element.textContent = parts[element.dataset.preview];
    }
    const host = preview.querySelector("[data-preview-host]");
    if (host && !host.textContent) {
      host.textContent = window.location.host;
    }
  }

  const hints = form.querySelectorAll("[data-length-for]");
  const previews = form.querySelectorAll("[data-search-preview]");

  function update() {
    hints.forEach(updateHint);
    previews.forEach(updatePreview);
  }

  // From the form, not each input: the slug is filled from the headline by Django's
  // prepopulate script on "keyup" and "change", which send no "input" event.
  form.addEventListener("input", update);
  form.addEventListener("keyup", update);
  form.addEventListener("change", update);
  update();
})();
