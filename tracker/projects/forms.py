"""WTForms for the planner's pages; labels are translated, validation happens on the server."""
from __future__ import annotations

from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from tracker.core.forms import ModelForm, VersionedForm
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.labels import choices
from tracker.projects.models import ProjectBase


def select_choices(vocabulary: str) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices(vocabulary)]


class ProjectForm(ModelForm):
    """The general data of a project, shared by the create and edit pages; the limits come from ``ProjectBase``."""

    model = ProjectBase
    pattern_messages = {"location_code": _l("A KATOTTG code is UA followed by 17 digits.")}

    title_uk = StringField(_l("Title (Ukrainian)"), validators=[DataRequired()])
    title_en = StringField(_l("Title (English)"), validators=[Optional()])
    description_uk = TextAreaField(_l("Description (Ukrainian)"), validators=[Optional()])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional()])
    sector = SelectField(_l("Sector"), choices=select_choices("sector"), validators=[DataRequired()])
    subsector = StringField(_l("Subsector"), validators=[Optional()],
                            description=_l("What exactly is built or repaired: a school, a bridge, a boiler house…"))
    project_type = SelectField(_l("Type of works"), choices=select_choices("project_type"), validators=[DataRequired()])
    purpose = SelectField(_l("Purpose"), choices=select_choices("purpose"), validators=[DataRequired()])
    location_code = StringField(
        _l("Location (KATOTTG code)"),
        description=_l("19 characters: UA and 17 digits, e.g. UA63020010000079018"),
        validators=[Optional()])
    latitude = DecimalField(_l("Latitude"), places=6, validators=[Optional()])
    longitude = DecimalField(_l("Longitude"), places=6, validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional()])
    dream_code = StringField(_l("Project code in DREAM"), validators=[Optional()],
                             description=_l("When the project is also registered in DREAM, its code there"))
    owner_contact = StringField(_l("Owner's contact for the public"), validators=[Optional()],
                                description=_l("The office's address, phone or e-mail citizens may write to "
                                               "(no personal data)"))
    is_public = BooleanField(_l("Published on the public portal"), default=True)

    def project_values(self) -> dict:
        """The form's data in the shape the project service takes."""
        values = {name: getattr(self, name).data for name in (
            "title_uk", "title_en", "description_uk", "description_en", "sector", "subsector", "project_type",
            "purpose", "location_code", "address", "dream_code", "owner_contact", "is_public")}
        for name in ("title_en", "description_uk", "description_en", "subsector", "location_code", "address",
                     "dream_code", "owner_contact"):
            values[name] = (values[name] or "").strip() or None
        for name in ("latitude", "longitude"):
            value = getattr(self, name).data
            values[name] = float(value) if value is not None else None
        return values


class NewProjectForm(ProjectForm):
    authority_id = SelectField(_l("Owning authority"), coerce=int, validators=[DataRequired()])
    # A new project starts unpublished: a near-empty project should not go live the moment it is registered.
    is_public = BooleanField(_l("Published on the public portal"), default=False,
                             description=_l("Publish it once it has what citizens need to follow it; until then "
                                            "only the people working on it see it."))


class EditProjectForm(ProjectForm, VersionedForm):
    """The general data of an existing project, with the version it was loaded from (no lost work)."""

