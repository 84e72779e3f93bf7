"""`usher import` of JSON exports at growing sizes: reading (parse, line numbers, validation) and the
whole import into a fresh replica. Linear time shows as a flat "per 1,000 items" column. Prints one
JSON object.

    python benchmarks/import.py [--sizes 10000,40000,1000000] [--dir DIR]
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.runtime import tune_gc  # noqa: E402
from app.services.importer import import_file, read_records  # noqa: E402
from app.store.db import open_replica  # noqa: E402

PRODUCT_ID = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
EVENT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def export_text(count: int) -> str:
    """An export as the Products API shapes it: nested `user` objects, one item per line block."""
    items = [
        {"id": f"{n:08x}-0000-4000-8000-{n:012x}", "item_id": n, "product_id": PRODUCT_ID,
         "redemption_count": 0, "user": {"id": f"{n:08x}-1111-4000-8000-{n:012x}", "email": f"guest{n}@example.com",
                                         "first_name": "Guest", "last_name": f"Number {n}"}}
        for n in range(1, count + 1)
    ]
    data = {"events": [{"id": EVENT_ID, "name": "Benchmark night"}],
            "products": [{"id": PRODUCT_ID, "event_id": EVENT_ID, "type": "admission", "name": "GA"}],
            "items": items}
    return json.dumps(data, indent=1)


def measure(count: int, folder: Path) -> dict[str, float]:
    path = folder / f"export-{count}.json"
    path.write_text(export_text(count), encoding="utf-8")
    started = time.perf_counter()
    read_records(path)
    read_s = time.perf_counter() - started
    replica = open_replica(f"sqlite:///{folder / f'replica-{count}.db'}")
    started = time.perf_counter()
    summary = import_file(replica, path)
    import_s = time.perf_counter() - started
    replica.dispose()
    assert summary.items == count
    return {"items": count, "file_mb": round(path.stat().st_size / 2**20, 1), "read_s": round(read_s, 2),
            "import_s": round(import_s, 2), "import_ms_per_1000_items": round(1000 * import_s / count * 1000, 1),
            "items_per_s": round(count / import_s)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,40000,1000000")
    parser.add_argument("--dir", help="work folder (default: a temporary one)")
    args = parser.parse_args()
    tune_gc()
    with tempfile.TemporaryDirectory(prefix="usher-import-bench-", dir=args.dir) as tmp:
        runs = [measure(int(size), Path(tmp)) for size in args.sizes.split(",")]
    print(json.dumps({"python": platform.python_version(), "machine": platform.machine(), "runs": runs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
