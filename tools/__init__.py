"""Tools for the people who build Usher, run from a clone (not installed with the package).

screenshots   renders every kiosk screen to PNG for the README and for review (python -m tools.screenshots)
"""
