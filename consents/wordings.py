"""The first versions of the consent wordings a new scheme starts from (its administrator can publish new ones)."""

from consents.models import Purpose

STARTER_WORDINGS: dict[str, tuple[str, str]] = {
    Purpose.INFORMATION_EXCHANGE: (
        "Sharing information with your health visitor and the person who referred you",
        "Home-Start works alongside other people who help your family, like your health visitor.\n\n"
        "With your agreement, we will tell the people named below that Home-Start is supporting you. We may also "
        "share the general information you agree to below, so that we can all help your family in the same way.\n\n"
        "We will never pass on what you tell your volunteer in private.",
    ),
    Purpose.AGENCY_REQUEST: (
        "Another organisation has asked us about your family",
        "An organisation has asked Home-Start for information that would identify your family, such as your name "
        "and postcode.\n\nWe will only pass it on if you agree by signing this letter. If you do not sign, we will "
        "not pass anything on, and your support from Home-Start will not change.",
    ),
    Purpose.PHOTOGRAPHS: (
        "Using photographs of your family",
        "We would like to use the photographs listed below to show other families what Home-Start does, for "
        "example in leaflets, on our website or in our newsletter.\n\nWe will only use them if you agree by signing "
        "this form. Saying no will not change your support from Home-Start.",
    ),
}
