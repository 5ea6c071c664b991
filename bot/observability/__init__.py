"""Logs, request ids and metrics: what an operator sees of a running coach.

Nothing here imports a transport; the transports call in (a request scope per request, the
metrics object passed down from start-up).
"""
