"""Authorization of client keys."""
