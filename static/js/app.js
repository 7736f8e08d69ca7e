// Small page behaviours; no inline scripts (the CSP forbids them).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle]");
  if (!toggle) return;
  const target = document.getElementById(toggle.dataset.toggle);
  if (!target) return;
  const open = target.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
