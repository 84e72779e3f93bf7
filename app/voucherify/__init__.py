"""Voucherify: the product catalog upserted by `source_id`, so promotions there name the same products.

settings  VoucherifySettings: the cluster (or an address), the app id and token, timeouts
catalog   pure: a replica product → the upsert body (price in cents, exactly)
client    VoucherifyClient.upsert_product, over the same transport as the Products API
push      what changed since the last upsert, queued in the outbox or pushed now (`usher voucherify push`)
"""
