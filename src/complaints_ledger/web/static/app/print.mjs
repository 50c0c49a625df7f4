// The print view's "Print this report" button: shown, and wired to the browser's print dialog,
// only where JavaScript runs (without it the page says how to print).
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
for (const hint of document.querySelectorAll(".app-print-hint")) {
  hint.hidden = true;
}
