"""Bolt listeners, one module per kind of request; each exposes register(app, deps).

Every listener is split Bolt's lazy way: a fast `ack` part that answers Slack at once (no LLM
or Slack call, except views.open, whose trigger_id expires in 3 seconds) and a lazy part that
does the work on the listener executor.
"""
