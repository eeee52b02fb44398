"""Publicity (公示) and its objections: the one workflow the exit procedure and monitoring's risk
clearance share. A plain package, not an app: it holds an abstract model and the services that
act on any objection of it; each workflow keeps its own table."""
