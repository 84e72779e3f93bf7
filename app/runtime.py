"""Process-wide tuning applied once at start, by the app and by the benchmarks alike."""
from __future__ import annotations

import gc


def tune_gc() -> None:
    """Collect garbage less often, and never sweep what start-up created.

    Each scan and each downloaded page allocates many short-lived objects; with the default thresholds
    the collector sweeps the whole heap (SQLAlchemy, Qt, pydantic) so often that it took a third of the
    download time in measurement. Reference counting still frees everything promptly; only cycles wait.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
