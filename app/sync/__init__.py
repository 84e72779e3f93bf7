"""Sync: the outbox to the Products API and the API's items to the replica (docs/sync.md).

engine        SyncEngine: one thread; upload (under the upload lease), then download; the SyncControl the UI polls
outcomes      pure decision tables: what became of a send, what a read-back says
backoff       Backoff: exponential back-off with jitter, honouring Retry-After
wording       the status line for staff, in plain words
connectivity  ConnectivityMonitor: online or offline from the recent calls
download      products and their items, page by page, resumable, bounded by `total`
customers     the project's customers (users fetch, pages of 1,000), for offline search and checks
issued        pure: an ISSUE operation's items, recipient by recipient (the answer, or a read-back)
online        OnlineLookup: an item the replica does not know, looked up within about a second
probe         probe_api: reachability, key, write access and the optional endpoints, by asking
service       build_online_sync: the engine, the look-up and their shared monitor, from the settings
local_only    LocalOnlySync: the SyncControl of a station with no API set up (it still counts what waits)
status        SyncStatus, Connectivity, Override, SyncControl: what the UI sees and may do
"""
