"""The product's starter outcome framework: a neutral first version every scheme can start from and change.

Written for this product in plain UK English (not a copy of any published tool): four areas of family life, a few
needs in each, each put to the family as a question, and a five-point scale whose words a parent can choose between
without help. Used by the data migration (version 1 for the schemes that existed then) and by
``outcomes.services.framework_start`` for a scheme set up later.
"""

from typing import TypedDict


class StarterNeed(TypedDict):
    title: str
    prompt: str


class StarterArea(TypedDict):
    key: str
    title: str
    description: str
    needs: list[StarterNeed]


SCALE: list[str] = [
    "This is really hard for us at the moment",
    "This is hard for us more often than not",
    "Some days this goes well, some days it is hard",
    "This is mostly going well",
    "This is going well for us",
]

AREAS: list[StarterArea] = [
    {
        "key": "parenting",
        "title": "Parenting",
        "description": "Caring for the children day to day, and enjoying time with them.",
        "needs": [
            {
                "title": "Everyday care",
                "prompt": "Feeding, washing, dressing and keeping the children safe at home: how is that going?",
            },
            {
                "title": "Routines",
                "prompt": "Mealtimes, bedtimes and getting out of the house: how settled do your days feel?",
            },
            {
                "title": "Playing and talking together",
                "prompt": "Time to play, read, sing and chat with your children: how often does it happen?",
            },
            {
                "title": "Children's behaviour",
                "prompt": "How confident do you feel with tantrums, tears and the testing times?",
            },
        ],
    },
    {
        "key": "wellbeing",
        "title": "Wellbeing",
        "description": "How you are in yourself: your mood, your rest and your confidence.",
        "needs": [
            {"title": "How you are feeling", "prompt": "Your mood and your worries: how have you been feeling lately?"},
            {
                "title": "Rest and looking after yourself",
                "prompt": "Sleep, eating well and a little time for yourself: how is that going?",
            },
            {"title": "Confidence", "prompt": "How confident do you feel, as a parent and in yourself?"},
        ],
    },
    {
        "key": "family_life",
        "title": "Family life",
        "description": "Home, money and the people around you.",
        "needs": [
            {"title": "Getting on at home", "prompt": "How are things between the people in your home?"},
            {
                "title": "Home and money",
                "prompt": "Keeping the home going, the bills and the money: how manageable is it?",
            },
            {
                "title": "Friends and family",
                "prompt": "Having people you can talk to or call on: how connected do you feel?",
            },
        ],
    },
    {
        "key": "getting_support",
        "title": "Getting support",
        "description": "Knowing where to turn, and getting to the places and services that help.",
        "needs": [
            {"title": "Knowing where to turn", "prompt": "Do you know where to go for help, for you or the children?"},
            {
                "title": "Using services",
                "prompt": "Health visitor, GP, nursery, children's centre: how easy is it to use the ones you need?",
            },
            {
                "title": "Getting out and about",
                "prompt": "Going to groups, the park or the shops with the children: how easy is it?",
            },
        ],
    },
]
