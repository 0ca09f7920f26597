"""Operator mode: the software under test, driven by a person, behind the engine interface.

:mod:`.engine` turns each engine call into a prompt (with the one table of values the operator keys
in) and captures the files the software writes; :mod:`.mode` hands those prompts to the campaign's
operator as manual steps, so that the workstation, a prepared attestations file or nobody answers.
"""
