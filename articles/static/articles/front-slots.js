/* The slots of a front in the admin (articles/admin_fronts.py): each row gets "move up" and
   "move down" buttons (keyboard) and a handle to drag it by; a move numbers the slots that
   hold an article 1, 2, 3… in their new order, and says so to screen readers. On saving, a
   new slot left without a position takes the next one. A file of its own: the Content
   Security Policy allows no inline script. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const group = document.querySelector("fieldset.front-slots");
  if (!group) {
    return;
  }
  const table = group.querySelector("table");
  const body = table.tBodies[0];
  const status = document.createElement("p");
  status.className = "front-slots__status";
  status.setAttribute("role", "status");
  table.before(status);

  const heading = document.createElement("th");
  heading.textContent = "Order";
  table.tHead.rows[0].cells[0].after(heading);
  for (const row of body.querySelectorAll("tr.form-row")) {
    addControls(row); // the template of new rows too, so that they are made with them
  }
  for (const cell of group.querySelectorAll("tr.add-row td[colspan]")) {
    cell.colSpan += 1;
  }
  label();

  function rows() {
    return [...body.querySelectorAll("tr.form-row:not(.empty-form)")];
  }

  function headline(row) {
    const select = row.querySelector(".field-article select");
    return select && select.value ? select.options[select.selectedIndex].text : "";
  }

  function addControls(row) {
    const cell = document.createElement("td");
    cell.className = "front-slots__order";
    const handle = document.createElement("span");
    handle.className = "front-slots__handle";
    handle.draggable = true;
    handle.title = "Drag to move";
    handle.textContent = "⠿";
    handle.setAttribute("aria-hidden", "true");
    cell.append(handle, moveButton("up", "↑"), moveButton("down", "↓"));
    row.cells[0].after(cell);
  }

  function moveButton(direction, arrow) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "front-slots__move";
    button.dataset.move = direction;
    button.textContent = arrow;
    return button;
  }

  /* The row with the row of its errors, if the form came back with some. */
  function withErrors(row) {
    const before = row.previousElementSibling;
    return before && before.classList.contains("row-form-errors") ? [before, row] : [row];
  }

  function label() {
    const all = rows();
    all.forEach((row, index) => {
      const name = headline(row) ? `“${headline(row)}”` : `slot ${index + 1}`;
      for (const button of row.querySelectorAll(".front-slots__move")) {
        const up = button.dataset.move === "up";
        button.setAttribute("aria-label", `Move ${name} ${up ? "up" : "down"}`);
        const stuck = up ? index === 0 : index === all.length - 1;
        button.setAttribute("aria-disabled", String(stuck));
      }
    });
  }

  function renumber() {
    let position = 0;
    for (const row of rows()) {
      const input = row.querySelector(".field-position input");
      if (input && headline(row)) {
        position += 1;
        input.value = position;
      }
    }
    label();
  }

  function announce(row) {
    const position = row.querySelector(".field-position input");
    const name = headline(row) || "The slot";
    status.textContent = headline(row)
      ? `${name} moved to position ${position.value}.`
      : `${name} moved.`;
  }

  function move(row, direction) {
    const all = rows();
    const index = all.indexOf(row);
    const other = all[direction === "up" ? index - 1 : index + 1];
    if (!other) {
      return;
    }
    if (direction === "up") {
      withErrors(other)[0].before(...withErrors(row));
    } else {
      other.after(...withErrors(row));
    }
    renumber();
    announce(row);
  }

  body.addEventListener("click", (event) => {
    const button = event.target.closest(".front-slots__move");
    if (!button) {
      return;
    }
    move(button.closest("tr"), button.dataset.move);
    button.focus(); // moving the row took the focus from it
  });

  // A slot's article chosen since the last move (select2 tells no plain listener): the
  // buttons are named after it before a screen reader reads them.
  body.addEventListener("focusin", (event) => {
    if (event.target.closest(".front-slots__move")) {
      label();
    }
  });

  let dragged = null;
  body.addEventListener("dragstart", (event) => {
    if (!event.target.closest || !event.target.closest(".front-slots__handle")) {
      return;
    }
    dragged = event.target.closest("tr");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", headline(dragged));
    event.dataTransfer.setDragImage(dragged, 0, 0);
    dragged.classList.add("front-slots__dragged");
  });
  body.addEventListener("dragover", (event) => {
    const over = event.target.closest("tr.form-row:not(.empty-form)");
    if (!dragged || !over) {
      return;
    }
    event.preventDefault();
    if (over === dragged) {
      return;
    }
    const box = over.getBoundingClientRect();
    if (event.clientY > box.top + box.height / 2) {
      over.after(...withErrors(dragged));
    } else {
      withErrors(over)[0].before(...withErrors(dragged));
    }
  });
  body.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
    }
  });
  body.addEventListener("dragend", () => {
    if (!dragged) {
      return;
    }
    dragged.classList.remove("front-slots__dragged");
    renumber();
    announce(dragged);
    dragged = null;
  });

  document.addEventListener("formset:added", (event) => {
    if (event.detail.formsetName === "slots") {
      label();
    }
  });

  group.closest("form").addEventListener("submit", () => {
    const inputs = rows()
      .filter(headline)
      .map((row) => row.querySelector(".field-position input"));
    let last = Math.max(0, ...inputs.map((input) => Number(input.value) || 0));
    for (const input of inputs) {
      if (!input.value) {
        last += 1;
        input.value = last;
      }
    }
  });
});
