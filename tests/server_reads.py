"""What a test reads back from the Products API (the simulator) to check the kiosk against it."""
from __future__ import annotations

from collections import Counter

from app.api.client import ProductsClient


def holders(client: ProductsClient, product_id: str) -> Counter[str]:
    """How many of the product's items each customer holds, by e-mail, as the server lists them."""
    owners: Counter[str] = Counter()
    page = 1
    while (listed := client.list_items(product_id, page=page, limit=1000)).items:
        owners.update(i.user.email for i in listed.items if i.user)
        page += 1
    return owners
