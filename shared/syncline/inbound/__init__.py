"""The inbound API: records pushed to Syncline over HTTP (OAuth 2.0 client credentials)."""
