"""HTTP API routers, one module per contract in DESIGN.md."""
