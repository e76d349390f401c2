"""What the gateway tells its operators: one JSON log line per request, Prometheus metrics.

Nothing here imports from the rest of the gateway, so every layer (billing included) may
report into it without reversing the api -> portal -> billing flow.
"""
