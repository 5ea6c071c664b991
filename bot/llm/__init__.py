"""The LLM path: one boundary (`client.ChatClient`, implemented for OpenAI-compatible servers),
the prompts' material, and the checks that ground the model's output.

Core code: no Slack or Teams imports. Services call `LLMEngine.reviewer` / `.answerer` and fall
back to the offline engine on any `LLMError`.
"""
