// List filters change the address bar through htmx without re-rendering the page head, so a link marked
// data-keep-query (the person list's Export) takes the current filters when it is clicked.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-keep-query]");
  if (link) link.search = window.location.search;
});
