"""Live updates over WebSocket (`graphql-transport-ws`): a session's billing changes as they happen.

`subscriptions.LiveUpdates` is the schema's subscription root (`billingEvents`);
`connection` authenticates a socket from its `connection_init` payload; `websocket` serves
only subscriptions over a socket; `announce` publishes the gateway's own writes.
"""
