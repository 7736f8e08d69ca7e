// Command-centre task pages: htmx forms swap refusals (422 invalid input, 409 wrong state) into the page,
// so the reason shows where the form was, as it does without JavaScript.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 422 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
