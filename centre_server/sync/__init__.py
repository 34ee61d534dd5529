"""The centre's link to the national service: up-link of the outbox, down-link of changes."""
