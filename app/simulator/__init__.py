"""A faithful local Products API server for the demo and the tests (never used in production)."""
from __future__ import annotations

from app.simulator.auth import KeyAccess
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer

__all__ = ["FaultSettings", "KeyAccess", "SimulatorServer"]
