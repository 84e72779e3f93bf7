"""Scanning: frames in, decoded payloads out. The decoder chain's stages and figures: docs/scanning.md.
Only the keyboard wedge imports Qt (see wedge.py); the window wraps the pipeline in signals (app/ui/scan_pipeline.py).

camera_setting  the station's camera setting, parsed: first camera, none, a number, a device, a file, a folder
sources         FrameSource: CameraSource, VideoFileSource, ImageFolderSource, SyntheticCamera (demo)
capture         FrameCapture: a source on its own thread, newest frame only, reconnection
decode          QrDecoder: every QR symbol in a frame (zxing-cpp, then retries where there is evidence of a code)
deblur          finding and undoing motion smears, for the chain's "deblur" stage
gate            ChangeGate: which frames to decode (few while the view stays as it was and nothing is read)
debounce        Debouncer: one submission each time a code is shown
pipeline        ScanPipeline (plain threads and callbacks); ScanEvent
wedge           KeyboardWedge: USB keyboard-wedge scanners, application-wide (a Qt event filter)
scene           the synthetic picture of a phone showing a ticket (demo camera, benchmark, tests)
"""
