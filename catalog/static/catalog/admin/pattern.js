// The live Markdown preview posts with htmx; Django wants the CSRF token on every POST.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// When a preview request fails, say so beside it (the typed text is untouched); clear it on the next success.
function offlineNote(event) {
  const preview = event.detail.elt;
  return preview.classList?.contains("markdown-preview") ? document.getElementById(preview.id.replace(/-preview$/, "-offline")) : null;
}
for (const name of ["htmx:sendError", "htmx:responseError"]) {
  document.addEventListener(name, (event) => { const note = offlineNote(event); if (note) note.hidden = false; });
}
document.addEventListener("htmx:afterSwap", (event) => { const note = offlineNote(event); if (note) note.hidden = true; });
