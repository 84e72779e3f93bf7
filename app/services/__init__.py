"""The application core that the UI and the CLI call; reads may query the replica here, writes go
through app/store.

station   Station: the redeem flow (parse, look up, check, take one use atomically) and undo
door      VenueDoor: a door on a venue's shared replica that decides from its own copy when the venue is away
issuer    Issuer: the box office's issuing, online or offline, through the outbox
importer  `usher import`: a JSON or CSV export into the replica, all or nothing
reports   the manager's numbers: products, stations, entries over time, conflicts, the sync queue, the scan log
search    manual search by holder name, email or item number
"""
