"""The demo scheme's documents (seed_demo): its confidentiality policy, from a real Home-Start scheme's published
policy (its spelling mended, its section titles marked as headings, the web page's "download ... here" turned into
words that work on paper), and a short safeguarding policy written for the demo. Fictional schemes, demo data only.
"""

CONFIDENTIALITY_POLICY = """\
Home-Start, through its volunteers, develops a very special and privileged relationship with a family.

By visiting a family regularly and informally at home, a volunteer becomes a friend, a trusted listener and \
supporter and is likely to be the recipient of personal and private information. Home-Start respects all \
information that is shared with a volunteer. Only where there is a concern about a child's or adult's safety or \
welfare will Home-Start share information with relevant agencies.

# When we talk to other agencies

It is Home-Start's practice to inform the person who referred and the family's health visitor that Home-Start \
support has been agreed and is being provided. We aim to complement the work of other agencies and some general \
information about the level and nature of Home-Start's involvement with a family might be shared. However, all \
personal and private information, which has no relevance to other agencies, will remain confidential. We will ask \
you to sign a form agreeing to this exchange of information. There may be occasions when other agencies formally \
request statistical and other information which could identify families, for example names and postcodes. If such \
a request is made we will contact you and seek your permission in writing before the information is passed to the \
agency. Communication with outside agencies is the responsibility of the coordinator (not the volunteer).

# Discussions within Home-Start

It is common practice in Home-Start for groups of volunteers to meet with the scheme coordinator to discuss issues \
arising from their work with families, to share experiences and learn from each other. In these sessions \
confidentiality is maintained and personal information about families is protected. Discussion about individual \
families is confined to one-to-one supervision sessions between the volunteer and coordinator.

# Confidentiality at family support groups

At Family Group meetings, families can choose whether or not to share their own information with other families. \
Whilst the Home-Start staff and volunteers are bound by Home-Start policy on confidentiality it must be emphasised \
that the families attending the group are free to establish their own boundaries.

# Photographs

Occasionally, Home-Start Portsmouth will request that photographs taken at events and outings be used for \
publicity purposes. If such a request is made we will seek your permission in writing before using the photographs.

# When we would break confidentiality

The only time that we will break the confidentiality policy described above is if we think that there is a child \
protection issue; if we believe that your child is in danger of neglect or abuse, we will always discuss this with \
you and then take any steps that we feel are necessary to safeguard your child(ren) and this may include talking to \
the authorities about what we have seen or heard. You can download our Safeguarding Children Policy from the same \
page as this policy (its address is at the top of the first page), or ask your coordinator for a printed copy.
"""

SAFEGUARDING_POLICY = """\
Every child has the right to be safe. Our volunteers and staff visit families at home, and sometimes they see or \
hear something that worries them about a child. This policy says what we do then, so that you know what to expect.

# What we do if we are worried about a child

- A volunteer tells their coordinator straight away. Nobody keeps a worry about a child's safety to themselves.
- The coordinator talks it through with our designated safeguarding lead, who is trained to decide what to do.
- Wherever it is safe to, we talk to you first, and tell you what we are going to do and why.
- If a child may be at risk of harm, we contact children's social care. If a child is in immediate danger, we call \
the police on 999.
- We write down what was seen or heard, what we decided and why. Only the people who need to see these records can.

# Who we share information with

We share information only with the people who need it to keep a child safe, such as children's social care, the \
police, your health visitor or your GP, and only what they need. We follow the government's guidance, Working \
Together to Safeguard Children, and the procedures of our local safeguarding children partnership.

# Our volunteers and staff

Everyone who visits families has an enhanced DBS check, references and safeguarding training before they start, \
and regular refresher training after that. Volunteers meet their coordinator for supervision.

# If you are worried

If you are worried about a child, or about something a volunteer or a member of staff has done, talk to your \
coordinator or ring our office. If you think a child is in immediate danger, call 999.
"""
