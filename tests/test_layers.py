"""The floors of app/ (docs/architecture.md), read from the imports themselves: each floor imports only from
the floors below it, the domain knows nothing of Qt, SQL or HTTP, app/scan imports no Qt but the keyboard
wedge, and the window never opens the replica itself."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).parent.parent / "app"
# Higher imports lower, never the other way round; floors of one height do not import each other.
FLOOR = {"cli": 8, "ui": 7, "services": 6, "sync": 5, "scan": 5, "voucherify": 4, "api": 3, "store": 2, "domain": 1}
QT = ("PySide6", "shiboken6")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(floor: str) -> list[Path]:
    return sorted((APP / floor).rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(APP.parent).as_posix()


def floor_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "app" and parts[1] in FLOOR else None


@pytest.mark.parametrize("floor", sorted(FLOOR))
def test_each_floor_imports_only_from_the_floors_below_it(floor):
    upward = [(name(path), module) for path in modules(floor) for module in imports(path)
              if (other := floor_of(module)) not in (None, floor) and FLOOR[other] >= FLOOR[floor]]
    assert upward == []


def test_the_domain_knows_nothing_of_qt_sql_or_http():
    foreign = [(name(path), module) for path in modules("domain") for module in imports(path)
               if module.split(".")[0] in (*QT, "sqlalchemy", "httpx") or
               (module.startswith("app.") and not module.startswith("app.domain"))]
    assert foreign == []


def test_scanning_imports_no_qt_but_the_keyboard_wedge():
    with_qt = [name(path) for path in modules("scan") if any(m.split(".")[0] in QT for m in imports(path))]
    assert with_qt == ["app/scan/wedge.py"]


def test_the_window_reaches_the_replica_only_through_services_and_sync():
    opening = [name(path) for path in modules("ui") if any(floor_of(m) == "store" for m in imports(path))]
    assert opening == []


def test_every_write_to_the_replica_goes_through_the_store():
    """Reads may stay in services and sync; the statements that write are built in app/store alone."""
    writing = {"insert", "update", "delete", "text"}
    outside = [path for path in sorted(APP.rglob("*.py"))
               if path.relative_to(APP).parts[0] not in ("store", "simulator")]  # the simulator has its own file
    writers = []
    for path in outside:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
                writers += [(name(path), alias.name) for alias in node.names if alias.name in writing]
            elif isinstance(node, ast.Attribute) and node.attr == "exec_driver_sql":
                writers.append((name(path), node.attr))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args
                  and not node.keywords and node.func.attr in ("insert", "delete")):  # table.insert(), .delete()
                writers.append((name(path), node.func.attr))
    assert writers == []
