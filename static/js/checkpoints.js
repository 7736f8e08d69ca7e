// Checkpoint desk and self-registration (forms marked data-keyboard): Enter moves to the next field,
// Ctrl+Enter submits, person rows are added and removed by keyboard, and the htmx ID lookup fills the
// registry's name. A static file because the Content-Security-Policy forbids inline scripts.
(() => {
  "use strict";
  const FOCUSABLE = "input:not([type=hidden]):not([readonly]):not([disabled]), select:not([disabled]), " +
    "textarea:not([disabled]), button:not([disabled])";

  function focusable(root) {
    return [...root.querySelectorAll(FOCUSABLE)].filter(
      (el) => el.tabIndex >= 0 && !el.closest("[hidden]") && el.getClientRects().length > 0);
  }

  document.addEventListener("keydown", (event) => {
    const el = event.target;
    const form = el.closest && el.closest("form[data-keyboard]");
    if (!form || event.key !== "Enter" || event.isComposing) return;  // Enter also ends an IME composition
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (el.tagName === "BUTTON" || el.tagName === "TEXTAREA") return;  // buttons act on Enter as usual
    event.preventDefault();
    const fields = focusable(form);
    const next = fields[fields.indexOf(el) + 1];
    if (next) next.focus();
  });

  function renumber(form) {
    form.querySelectorAll("[data-rows] [data-row]:not([hidden]) [data-row-number]").forEach((span, i) => {
      span.textContent = String(i + 1);
    });
  }

  function addRow(form) {
    const total = form.querySelector("input[name$='-TOTAL_FORMS']");
    const max = form.querySelector("input[name$='-MAX_NUM_FORMS']");
    const template = form.querySelector("template[data-row-template]");
    if (!total || !template || Number(total.value) >= Number(max.value)) return null;
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, total.value).trim();
    const row = holder.firstElementChild;
    form.querySelector("[data-rows]").appendChild(row);
    total.value = String(Number(total.value) + 1);
    if (window.htmx) window.htmx.process(row);
    renumber(form);
    return row;
  }

  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      const row = addRow(add.closest("form"));
      if (row) focusable(row)[0].focus();
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      // An emptied row is skipped by the server; hide it unless it is the only one.
      const row = remove.closest("[data-row]");
      const form = row.closest("form");
      row.querySelectorAll("input:not([type=checkbox])").forEach((input) => { input.value = ""; input.readOnly = false; });
      row.querySelectorAll(".lookup").forEach((box) => { box.textContent = ""; });
      if (form.querySelectorAll("[data-rows] [data-row]:not([hidden])").length > 1) row.hidden = true;
      renumber(form);
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const box = event.detail.target;
    if (!box.classList || !box.classList.contains("lookup")) return;
    const name = box.closest("[data-row]") && box.closest("[data-row]").querySelector("input[name$='-name']");
    if (!name) return;
    const hit = box.querySelector("[data-person-name]");
    if (hit) {
      name.value = hit.dataset.personName;
      name.readOnly = true;  // from the registry; Enter skips it
    } else if (name.readOnly) {
      name.value = "";
      name.readOnly = false;
    }
  });
})();
