"""What the platforms send, turned into case updates: `replydesk import` and `replydesk receive`.

    payloads (a saved API response, a webhook body)
      -> adapters (coupang.py, amazon.py, tiktok.py, shopee.py; detect.py picks one by shape)
      -> Notice: one platform event about one case (notice.py)
      -> apply.py: create the case, or update it (idempotent, never over an operator's work)

The mapping tables (which event types and statuses open, update or close a
case) are data: sources.toml. The receiver (receiver.py) is the HTTP front
of the same path: it verifies signatures (signatures.py), then applies the
notices exactly as the importer does, and answers only after the write.
"""
