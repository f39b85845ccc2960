"""Domain exceptions: a service refuses an action with a message a person can act on."""


class ActionNotAllowed(Exception):
    """The action breaks a rule; ``str(exc)`` says which, in plain English, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
