"""`VoucherifyClient`: the one call Usher makes to Voucherify, over the Products API's transport (the
same deadline, size cap, typed errors and credential redaction)."""
from __future__ import annotations

from datetime import datetime

import httpx
from pydantic import BaseModel, ConfigDict

from app.api.transport import Call, CallObserver, Transport
from app.voucherify.settings import VoucherifySettings


class VoucherifyProduct(BaseModel):
    """The product object Voucherify answers with (seed 004's required fields)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    source_id: str | None
    name: str | None
    price: int | None
    attributes: list[str]
    metadata: dict[str, object]
    object: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


class VoucherifyClient:
    def __init__(self, settings: VoucherifySettings, *, on_call: CallObserver | None = None,
                 http_transport: httpx.BaseTransport | None = None) -> None:
        self._transport = Transport(settings, on_call, http_transport)

    def __enter__(self) -> VoucherifyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._transport.close()

    def upsert_product(self, body: dict[str, object]) -> VoucherifyProduct:
        """Creates the product, or updates the one with the same `source_id`: safe to repeat."""
        call = Call("POST", "/v1/products", "Voucherify POST /v1/products", write=True, json=body)
        return self._transport.call(call, VoucherifyProduct.model_validate_json)
