"""The report API (report_api behind API Gateway): report search, CSV export, resync, runs,
dashboard, connectors and services, OpenAPI document. `syncline.api.app.handle` is the entry."""
