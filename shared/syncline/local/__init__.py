"""The local stack: Syncline's real handlers against an embedded moto server on 127.0.0.1.

Not bundled into Lambda functions.
"""
