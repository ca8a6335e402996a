"""Changes: layouts, campaigns and feeds written in an environment that another has as parent, awaiting promotion
there."""
