"""Teams routes, one module per kind of activity; each exposes `register(app, deps)`."""
