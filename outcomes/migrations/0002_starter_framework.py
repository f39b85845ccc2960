"""Version 1 of every existing scheme's outcome framework: the product's starter (outcomes/starter.py), published.

A scheme set up later starts from the same starter through its administrator's "Set up the framework" page
(``outcomes.services.framework_start``), as a draft it can change before publishing. Created as a draft and then
published, because the database refuses any row added to a published version.
"""

from django.db import migrations
from django.utils import timezone

from outcomes import starter


def create_starter(apps, schema_editor):
    Scheme = apps.get_model("homestart", "Scheme")
    FrameworkVersion = apps.get_model("outcomes", "FrameworkVersion")
    Area = apps.get_model("outcomes", "Area")
    Need = apps.get_model("outcomes", "Need")
    ScalePoint = apps.get_model("outcomes", "ScalePoint")
    for scheme in Scheme.objects.order_by("pk"):
        if FrameworkVersion.objects.filter(scheme=scheme).exists():
            continue
        version = FrameworkVersion.objects.create(scheme=scheme, status="draft", review_interval_days=183)
        for value, anchor in enumerate(starter.SCALE, start=1):
            ScalePoint.objects.create(version=version, value=value, anchor=anchor)
        for position, data in enumerate(starter.AREAS, start=1):
            area = Area.objects.create(
                version=version,
                key=data["key"],
                position=position,
                title=data["title"],
                description=data["description"],
            )
            for need_position, need in enumerate(data["needs"], start=1):
                Need.objects.create(area=area, position=need_position, title=need["title"], prompt=need["prompt"])
        version.status = "published"
        version.number = 1
        version.published_at = timezone.now()
        version.save(update_fields=["status", "number", "published_at"])


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_outcome_framework")]

    operations = [migrations.RunPython(create_starter, migrations.RunPython.noop)]
