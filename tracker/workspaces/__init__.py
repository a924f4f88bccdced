"""Each role's home after signing in ("my work"): what a planner, auditor, partner, administrator or moderator
has to do next, read from the features below in a fixed number of queries per page."""
