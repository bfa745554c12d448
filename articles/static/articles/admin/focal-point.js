/* The focal point of a library picture, chosen by clicking on its preview (or with the arrow
   keys once the preview has the focus): sets the form's number inputs data-focal="focal_x"
   and "focal_y" (fractions from 0 to 1) and shows a marker where the point is. */
"use strict";

function setUp(picker) {
  const form = picker.closest("form");
  const across = form.querySelector('[data-focal="focal_x"]');
  const down = form.querySelector('[data-focal="focal_y"]');
  const image = picker.querySelector("img");
  const marker = picker.querySelector(".focal-picker__marker");
  if (!across || !down || !image || !marker) return;

  const clamp = (value) => Math.min(1, Math.max(0, value));
  const read = (input) => clamp(Number.parseFloat(input.value || "0.5") || 0);

  function show() {
    marker.style.left = `${read(across) * 100}%`;
    marker.style.top = `${read(down) * 100}%`;
    marker.hidden = false;
  }

  function set(x, y) {
    across.value = clamp(x).toFixed(2);
    down.value = clamp(y).toFixed(2);
    across.dispatchEvent(new Event("change", { bubbles: true }));
    down.dispatchEvent(new Event("change", { bubbles: true }));
    show();
  }

  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
  });

  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  picker.addEventListener("keydown", (event) => {
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const step = event.shiftKey ? 0.01 : 0.05;
    set(read(across) + move[0] * step, read(down) + move[1] * step);
  });

  across.addEventListener("input", show);
  down.addEventListener("input", show);
  show();
}

// The admin loads form media in the page's head: wait for the form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".focal-picker").forEach(setUp);
});
