"""Ticket slip printing over ESC/POS, knowing nothing of queues."""
