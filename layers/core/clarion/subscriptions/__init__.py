"""A profile's subscription status per channel and consent per purpose, and the rule a marketing send obeys."""
