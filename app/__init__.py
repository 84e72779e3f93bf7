"""Usher: a check-in kiosk for the door and the bar of a venue. The floors, top to bottom — each imports
only from the floors below it (docs/architecture.md):

cli         the `usher` command, one module per sub-command; compose.py assembles a running kiosk
ui          PySide6 windows and widgets: shows state, forwards intent; no SQL, no HTTP
services    what the UI and the CLI call: the redeem flow, issuing, imports, reports, search, a venue door
scan        frames in, decoded payloads out (and the keyboard wedge)
sync        the outbox to the Products API and its items back to the replica; connectivity
voucherify  the product catalog kept in step with Voucherify, through the same outbox
api         the Products API client: settings, typed models, typed errors
store       the replica (SQLite or PostgreSQL): every write to it goes through this package
domain      pure rules: payloads, verdicts, redeem and issue rules, how a verdict is shown
simulator   a local Products API server for the demo and the tests (never used in production)

Beside them: config (the settings file), setup_form (station setup's field checks, without Qt), secrets
(the API key, PIN hashes, wrong tries), pins (the steward and manager roles, and who checks their PINs),
pin_guard (the service that keeps the PINs from the kiosk's user), files (file permissions), runtime (process-wide tuning), demo_data (the demo
event and its scripted round, shared by the demo, the simulator, the screenshots and the tests).
"""
