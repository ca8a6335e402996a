"""Changes: layouts and campaigns written in an environment that another has as parent, awaiting promotion there."""
