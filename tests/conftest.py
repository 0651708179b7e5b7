"""Session-wide test settings.

The fake servers of the tests listen on 127.0.0.1, which a deployed stage refuses as a connector
destination (syncline.connectors.network). The tests run as the local stack does, with private
networks allowed; the tests of the refusal itself turn it off with monkeypatch.
"""

from __future__ import annotations

import os

os.environ.setdefault("SYNCLINE_ALLOW_PRIVATE_NETWORKS", "true")
