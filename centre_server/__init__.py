"""The centre server: the single source of truth of one centre."""
