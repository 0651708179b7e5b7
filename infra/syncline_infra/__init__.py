"""Syncline's CDK app: one construct per concern, assembled by :mod:`.stack`.

``data`` (tables, bucket), ``queues``, ``functions`` (with ``bundling`` and ``permissions``),
``schedules``, ``api`` and ``monitoring``. The tables and queues come from the one shared
definition in ``syncline.tables``; the environment variable names from ``syncline.settings.ENV``.
"""
