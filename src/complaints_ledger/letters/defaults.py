"""The letter templates every organisation starts with (their version 1), in plain text with
Jinja placeholders for the case's facts (facts.py lists them). An organisation's manager can
change its own; these stay as shipped."""

from __future__ import annotations

from complaints_ledger.domain.letters import LetterKind

ACKNOWLEDGEMENT = """\
{{ organisation }}
{{ today }}

Our reference: {{ case.reference }}

Dear {{ complainant.name }},

Your complaint about {{ case.service }}

Thank you for your complaint, which we received on {{ case.received }}. This letter \
acknowledges it.

{% if acknowledgement.discussion_offered %}We would like to discuss with you how we will handle \
your complaint, and the period within which we expect to send you our response. Please tell us \
when it suits you to talk, by telephone, in person or by video call.
{% else %}We will contact you about how we will handle your complaint.
{% endif %}

We expect to send you our response by {{ response.due or "a date we will agree with you" }}. \
If we cannot respond by then, we will write to tell you why, and when you can expect our \
response.

If you are not satisfied with how we deal with your complaint, you can ask the \
{{ ombudsman.name }} to look at it once we have responded ({{ ombudsman.website }}, \
{{ ombudsman.phone }}).

Yours sincerely,

{{ organisation }}
"""

EXTENSION = """\
{{ organisation }}
{{ today }}

Our reference: {{ case.reference }}

Dear {{ complainant.name }},

Your complaint about {{ case.service }}

We wrote to you about your complaint, which we received on {{ case.received }}. We are sorry \
that we need more time before we can send you our response.

{% if extension.reason %}Why we need more time: {{ extension.reason }}
{% endif %}

We now expect to send you our response by {{ response.due or "a date we will agree with you" }}. \
We will keep you informed of our progress.

If you are unhappy with this delay, you can contact the {{ ombudsman.name }} \
({{ ombudsman.website }}, {{ ombudsman.phone }}).

Yours sincerely,

{{ organisation }}
"""

RESPONSE = """\
{{ organisation }}
{{ today }}

Our reference: {{ case.reference }}

Dear {{ complainant.name }},

Our response to your complaint about {{ case.service }}

Thank you for your complaint, which we received on {{ case.received }}.

How we considered your complaint
We looked into what you told us about {{ case.subjects | join(", ") }}. {{ response.summary }}

Our conclusions
We have concluded that your complaint is {{ response.outcome or "[outcome not yet recorded]" }}.

{% if response.remedies %}What we will do to put things right
{% for remedy in response.remedies %}
- {{ remedy | capitalize }}
{% endfor %}

{% endif %}
{% if actions %}Action we are taking
{% for action in actions %}
- {{ action.description }} (by {{ action.due }})
{% endfor %}

{% endif %}
Your right to go to the ombudsman
If you are not satisfied with our response, you can ask the {{ ombudsman.name }} to look at \
your complaint. It is independent and free to use. Website: {{ ombudsman.website }}. \
Telephone: {{ ombudsman.phone }}.

Yours sincerely,

{{ response.signed_by or organisation }}
"""

DEFAULT_TEMPLATES: dict[LetterKind, str] = {
    LetterKind.ACKNOWLEDGEMENT: ACKNOWLEDGEMENT,
    LetterKind.EXTENSION: EXTENSION,
    LetterKind.RESPONSE: RESPONSE,
}
