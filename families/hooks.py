"""Events about families that apps on higher floors act on (homestart.hooks.Hook; subscribe in ready())."""

from homestart.hooks import Check, Hook

# A family's lead coordinator changed, inside the same transaction:
# ``family=``, ``previous=`` (the old coordinator, or None) and ``coordinator=`` (the new one).
coordinator_changed = Hook("families.coordinator_changed")

# A child of the household was added, was born, or had their date of birth or due date corrected, inside the same
# transaction: ``family=``, ``children=`` (the children concerned) and ``actor=``. Safeguarding recomputes how long
# its records about the family are held (never earlier).
children_changed = Hook("families.children_changed")

# Whether a volunteer may be assigned to a family (``volunteer=``, ``family=``), asked inside assignment_start's
# transaction: volunteers refuses one whose DBS check is past its renewal date or who has not completed the
# preparation course. Each rule answers the refusal, saying which, or None.
assignment_refusals = Check("families.assignment_refusals")

# What the coordinator confirms before the assignment goes ahead (same arguments): volunteers warns when the
# volunteer already has the most families they said they would take at once. Each rule answers the warning, or None.
assignment_warnings = Check("families.assignment_warnings")
