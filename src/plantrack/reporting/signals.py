"""Signals other apps listen to; reporting does not need to know who they are."""

from django.dispatch import Signal

# Sent when a submission's approved figures change (its final approval, or a verified or revised
# vintage recorded on it), from the transaction's commit hook, with ``submission``: progress and
# warnings recompute for its plan and period.
submission_approved = Signal()
