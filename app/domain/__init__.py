"""Pure rules: no Qt, no SQL, no HTTP — the store supplies the facts, the callers do the writes.

payload       whatever a scanner read → an item reference, a provisional code, or why it is neither
verdict       VerdictKind and Verdict: every outcome the kiosk can show (UNDONE: an undo's audit row)
rules         ProductType, the station presets and the redeem rule `check()`
presentation  a verdict → tone, colour, sound, headline and what staff do next
scan_audit    what the audit log keeps of a scanned code (never a secret that is not a ticket)
issuance      the issue rules: stock, max_items, max_per_account, active
signing       provisional codes signed with the venue's Ed25519 key, verified offline
"""
