"""Failure alerts by email: notification groups, per-service settings, the scheduled tick that
sends digests, recovery, connector status and auto-pause emails through SES."""

from syncline.alerts.engine import TickResult, tick

__all__ = ["TickResult", "tick"]
