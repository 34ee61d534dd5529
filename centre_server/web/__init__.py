"""The manager's web page `/manage`: server-rendered, live over server-sent events."""
