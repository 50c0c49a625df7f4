// The rebuild page, while a rebuild is under way: reload it every few seconds, so that its
// progress shows without pressing Refresh (the page works the same without this script).
const page = document.querySelector("[data-refresh-seconds]");
if (page) {
  const seconds = Number(page.getAttribute("data-refresh-seconds")) || 2;
  window.setTimeout(() => window.location.reload(), seconds * 1000);
}
