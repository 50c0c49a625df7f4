// Starts GOV.UK Frontend's components (skip link, service navigation, ...). The versioned URL
// of its module is on this script's own tag, written by the page template, so the version is
// set in one place (web-assets.toml). Pages work without it: this only enhances them.
const tag = document.querySelector("script[data-govuk-frontend]");
const { initAll } = await import(tag.dataset.govukFrontend);
initAll();
