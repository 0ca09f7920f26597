"""The bench's shared vocabulary: the words every layer uses, owned by none of them.

Verdicts and their order, normalisation rules, observation paths, session event kinds, the step
actions and engine calls, the refusal type, and the optional hooks of engines and card bays. It
imports nothing from the rest of ``testbench`` (``tests/test_layers.py`` checks it), so the casebook,
the cards, the store, the engines, the runner, the report and the interfaces can all depend on it.
"""
