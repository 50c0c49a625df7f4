// What GOV.UK Frontend's page template does in an inline script, in a file so that the
// Content-Security-Policy needs no 'unsafe-inline' and no hash: mark the body as able to run
// JavaScript, and as able to run GOV.UK Frontend (browsers with ES modules). Loaded as the
// first thing in <body>, before anything is painted.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
