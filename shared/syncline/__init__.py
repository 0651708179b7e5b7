"""Syncline: the library every Syncline Lambda function bundles."""

__version__ = "0.1.0"
