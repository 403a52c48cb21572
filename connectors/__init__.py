"""Outside chat channels: the WeCom callback and sender, and the local web chat page."""
