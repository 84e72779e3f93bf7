"""A faithful local Products API server for the demo and the tests (never used in production). It imports
nothing from the kiosk's own floors: it stands for the server whose contract the kiosk is tested against.

server      SimulatorServer: the app on uvicorn in a background thread
app         the ASGI app: routes, auth, fault injection
auth        read and write keys
catalog     events, products and sales
items       items: issue, redeem, transfer, read, list — with every documented rule
people      users (camelCase endpoints) and event attendees
voucherify  Voucherify's product upsert, under /voucherify
faults      injected failures: latency, 5xx, 429 with Retry-After, dropped connections, going dark
fields      request input → typed values, or a 400 listing every fault
records     database rows → the API's JSON documents
problems    error answers in the documented shapes
db          the simulator's own SQLite file
demo_data   the demo seed (the demo event of app.demo_data)
testing     pytest fixtures for suites that talk to a simulator
"""
from __future__ import annotations

from app.simulator.auth import KeyAccess
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer

__all__ = ["FaultSettings", "KeyAccess", "SimulatorServer"]
