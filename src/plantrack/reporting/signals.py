"""Signals other apps listen to; reporting does not need to know who they are."""

from django.dispatch import Signal

# Sent after a submission's final approval, inside the approving transaction's commit hook,
# with ``submission``: progress and warnings recompute for its plan and period.
submission_approved = Signal()
