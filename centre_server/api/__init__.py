"""The HTTP and websocket API of the centre server (`/api/v1`)."""
