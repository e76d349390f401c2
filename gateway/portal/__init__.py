"""Stripe's portal configuration as a model, and the pure policy engine that applies it.

- `configuration`: the `billing_portal.Configuration` model, in Stripe's JSON shape.
- `loading`, `validation`, `registry`, `catalog`, `config_check`: reading configurations from a
  file or Stripe's JSON, the rules they must follow, the default, checking a file.
- `context`, `flows`, `actions`, `decisions`, `refusals`: the policy's inputs and answers.
- `policy.*`: one module per action; `policy.available` answers "what may I do now".

Nothing here performs I/O except reading a configuration file; Stripe is reached only
through billing/, by the api and by the `check-config` command (`gateway/cli/`).
"""
