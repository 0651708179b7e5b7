"""One Logger and one Metrics object, imported by every handler."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="syncline")
metrics = Metrics(namespace="Syncline", service="syncline")
