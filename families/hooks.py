"""Events about families that apps on higher floors act on (homestart.hooks.Hook; subscribe in ready())."""

from homestart.hooks import Hook

# A family's lead coordinator changed, inside the same transaction:
# ``family=``, ``previous=`` (the old coordinator, or None) and ``coordinator=`` (the new one).
coordinator_changed = Hook("families.coordinator_changed")
