"""The offline engine: knowledge base, text handling, language, features, detector, router and
the model they share — plus the training and evaluation that build and measure it. No network,
no transport: every front end and the LLM path stand on this."""
