"""Server-rendered pages for people, from the same app as the API (ADR 0017): GOV.UK Frontend,
unbranded, progressively enhanced; `install_web(app)` adds them."""
