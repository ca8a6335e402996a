"""A profile's devices: registration, updates, listings, and the push sender's view of them."""
