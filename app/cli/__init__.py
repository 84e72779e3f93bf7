"""The `usher` command line: one module per sub-command, each with `register(subparsers)`.

main        the parser and the entry point
compose     a running kiosk put together: replica, station (or venue door), sync, camera pipeline, window
kiosk       `usher kiosk`: the check-in window on this station's settings
demo        `usher demo`: the simulator, a synced replica and the kiosk on the demo camera
replica     `usher db`, `usher venue`, `usher import`, `usher redeem`, `usher stats`
sync        `usher sync` and `usher conflicts`
issue       `usher issue`, `usher customers`, `usher venue-key`
pin         `usher pin set` / `reset`
voucherify  `usher voucherify push` / `token`
simulator   `usher simulator`: the local Products API until Ctrl-C
"""
