"""The national service: centres' inboxes, the booking book and each centre's change feed."""
