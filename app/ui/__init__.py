"""The kiosk's window (PySide6): shows state and forwards intent; it reads and writes through app/services
and app/sync, never SQL or HTTP itself.

main_window      the window assembled: scan screen, status strip, search, PIN gate, manager view, setup
verdict_panel    the scan screen: the verdict filling the window, and the overlay over other pages
verdict_icon     the symbol beside the headline, one shape per tone
status_strip     online/offline badge with its override, what waits to sync, last sync, camera
camera_preview   the newest frame, or why there is none
scan_pipeline    QtScanPipeline: app/scan's pipeline delivering its scans as Qt signals on the UI thread
manager_page     the manager view: counts, entries chart, conflicts, scan log with Undo, export
manager_session  how long a PIN stays good (the manager's; the steward's sign-in)
pin_page         PIN entry (a manager's page, or a steward signing in to scan) and choosing a first PIN
staff_pins_box   setup's Staff PINs: the steward PIN, typed twice and hashed off the UI thread
search_page      manual search with a Check in button per result
setup_page       station setup: name and kind, products, camera, the API and its connection test
entries_chart    entries over time as bars
background       blocking calls off the UI thread, results back on it
sounds           the read beep and one sound per kind of answer
keyboard_grab    a locked kiosk's hold on the keyboard (X11)
gui_thread_gc    Python's garbage collection kept on the GUI thread
cameras          this machine's cameras, from sysfs, without opening one
colour_vision    colour-vision-deficiency simulation and colour distances (for the palette's tests)
theme            the stylesheet and where resources live
"""
