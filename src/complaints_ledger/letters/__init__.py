"""Letters to the complainant: each organisation's templates (template_store.py, defaults.py),
the case's facts they are filled with (facts.py) and the sandbox that fills them (drafting.py).
Recording a letter sent is the `send_letter` command (domain/letters.py)."""
