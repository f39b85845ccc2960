"""``object_permission_filter`` answers what guardian's ``get_objects_for_user`` answers with no group, superuser or
global bypass, for every object-permission the product grants, whoever asks."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm, get_objects_for_user

from families.models import CaseNote, Family
from families.selectors import object_permission_filter
from tests.conftest import log_visit


def _guardian(user: Any, perm: str, queryset: Any) -> set[int]:
    found = get_objects_for_user(
        user, perm, queryset, use_groups=False, with_superuser=False, accept_global_perms=False
    )
    return set(found.values_list("pk", flat=True))


def test_the_same_objects_as_guardian_for_everyone(world: Any) -> None:
    w = world
    log_visit(w.family, w.volunteer, note="Mum is managing better.")
    # Grants that must not count: through a group, as a global permission, and a superuser's standing.
    group = Group.objects.create(name="everyone")
    w.other_volunteer.groups.add(group)
    assign_perm("families.view_family", group, w.family)
    w.other_volunteer.user_permissions.add(Permission.objects.get(codename="view_casenote"))
    w.administrator.is_superuser = True
    w.administrator.save(update_fields=["is_superuser"])

    people = [w.coordinator, w.dsl, w.volunteer, w.other_volunteer, w.administrator, w.other_coordinator]
    for perm, queryset in (
        ("families.view_family", Family.objects.all()),
        ("families.view_casenote", CaseNote.objects.all()),
        ("families.view_casenote", CaseNote.objects.filter(family=w.other_family)),
    ):
        for person in people:
            expected = _guardian(person, perm, queryset)
            assert set(object_permission_filter(person, perm, queryset).values_list("pk", flat=True)) == expected
    # The grants the services made are found; the bypasses are not.
    assert set(object_permission_filter(w.volunteer, "families.view_family", Family.objects.all())) == {w.family}
    assert not object_permission_filter(w.other_volunteer, "families.view_family", Family.objects.all()).exists()
    assert not object_permission_filter(w.administrator, "families.view_casenote", CaseNote.objects.all()).exists()
    assert object_permission_filter(w.volunteer, "families.view_casenote", CaseNote.objects.all()).count() == 1
