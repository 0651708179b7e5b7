"""The local stack's moto server, in a process of its own (`python -m syncline.local.moto_server`).

In the stack's process, moto's request handling held much of the GIL the functions need; on its
own it runs on another core. It listens on 127.0.0.1 on a free port and prints that port on one
line of stdout once it accepts requests. It stops when its stdin closes (the stack stopped it, or
the stack's process died: no orphan) or on SIGTERM; Ctrl-C is the stack's to handle, not its own.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from typing import Any


def _speed_up_moto() -> None:
    """moto 5.2 recomputes every queue attribute (counting all messages) for each message it
    receives, which makes a receive O(queue depth) and a demo of 10,000 records O(n^2). Same
    semantics, O(1): compare the message's age with the queue's retention period."""
    from moto.sqs import models

    # moto's clock goes through datetime objects; the queue code asks it once per message per call.
    def seconds(dt: Any = None) -> float:
        return float(dt.timestamp()) if dt is not None else time.time()

    def millis(dt: Any = None) -> float:
        return seconds(dt) * 1000

    models.unix_time_millis = millis
    models.unix_time = seconds
    SQSBackend = models.SQSBackend

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        queue = self.get_queue(queue_name)
        return bool(int(queue.message_retention_period) + message.sent_timestamp / 1000 > time.time())

    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]


def _serialise_moto_dynamodb_writes() -> None:
    """DynamoDB applies each write to an item atomically; moto's threaded server does not lock,
    so two concurrent UpdateItems on one run row can interleave attribute by attribute and lose
    a counter delta (seen under CPU load: OK 1000 with Pending 10 left over). One lock around
    moto's item operations restores DynamoDB's per-item atomicity."""
    import functools

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("put_item", "get_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def locked(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(*args, **kwargs)

        setattr(DynamoDBBackend, name, functools.wraps(original)(locked))


def main() -> int:
    from moto.server import ThreadedMotoServer

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the stack stops this server once it is done
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    _speed_up_moto()
    _serialise_moto_dynamodb_writes()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)

    def watch_stdin() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the stack closed the pipe, or its process died
        stop.set()

    threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
