"""Scanning: frames in, decoded payloads out.

sources   FrameSource: CameraSource, VideoFileSource, ImageFolderSource, SyntheticCamera (demo)
capture   FrameCapture: a source on its own thread, newest frame only, reconnection
decode    QrDecoder: the QR decoder chain (zxing-cpp, then fallbacks chosen by benchmarks/decode.py)
deblur    motion deblurring used by the chain's "deblur" stage
debounce  Debouncer: one submission per presentation of a code
pipeline  ScanPipeline (plain threads and callbacks) and QtScanPipeline (Qt signals); ScanEvent
wedge     KeyboardWedge: USB keyboard-wedge scanners, application-wide
scene     the synthetic picture of a phone showing a ticket (demo camera, benchmark, tests)
"""
