"""The sync pipeline: fan-out (trigger) and push (sync_item), and the retry policy between them."""
