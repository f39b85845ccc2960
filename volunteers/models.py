"""What the scheme keeps about each volunteer beyond their sign-in."""

from django.conf import settings
from django.db import models


class VolunteerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_profile")
    dbs_certificate_number = models.CharField("DBS certificate number", max_length=12, blank=True)
    dbs_issued_on = models.DateField("DBS certificate issue date", null=True, blank=True)
    dbs_renewal_due = models.DateField("DBS renewal due", null=True, blank=True)
    preparation_course_completed_on = models.DateField("preparation course completed", null=True, blank=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        indexes = [models.Index(fields=["dbs_renewal_due"], name="volunteer_dbs_renewal_idx")]

    def __str__(self) -> str:
        return f"Volunteer profile of user {self.user_id}"
