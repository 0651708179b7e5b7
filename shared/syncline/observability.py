"""One Logger, imported by every handler."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="syncline")
