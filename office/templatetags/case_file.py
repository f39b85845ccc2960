"""``{% case_file_section section %}``: render one loaded section of a family's case file with its own context."""

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from office.casefile import LoadedSection

register = template.Library()


@register.simple_tag(takes_context=True)
def case_file_section(context: Context, section: LoadedSection) -> SafeString:
    """Like ``{% include %}``, but with the section's context on top of the page's (``include`` takes only
    literal names), so each app's partial reads the names its own section loaded."""
    partial = context.template.engine.get_template(section.template)
    with context.push(section.context):
        return partial.render(context)
