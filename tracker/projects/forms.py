"""WTForms for the planner's pages; labels are translated, validation happens on the server."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from tracker.core.forms import VersionedForm
from tracker.core.labels import choices

KATOTTG_PATTERN = r"^UA\d{17}$"


def select_choices(vocabulary: str) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices(vocabulary)]


class ProjectForm(FlaskForm):
    """The general data of a project, shared by the create and edit pages."""

    title_uk = StringField(_l("Title (Ukrainian)"), validators=[DataRequired(), Length(max=500)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=500)])
    description_uk = TextAreaField(_l("Description (Ukrainian)"), validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=20000)])
    sector = SelectField(_l("Sector"), choices=select_choices("sector"), validators=[DataRequired()])
    subsector = StringField(_l("Subsector"), validators=[Optional(), Length(max=200)],
                            description=_l("What exactly is built or repaired: a school, a bridge, a boiler house…"))
    project_type = SelectField(_l("Type of works"), choices=select_choices("project_type"), validators=[DataRequired()])
    purpose = SelectField(_l("Purpose"), choices=select_choices("purpose"), validators=[DataRequired()])
    location_code = StringField(
        _l("Location (KATOTTG code)"),
        description=_l("19 characters: UA and 17 digits, e.g. UA63020010000079018"),
        validators=[Optional(), Regexp(KATOTTG_PATTERN, message=_l("A KATOTTG code is UA followed by 17 digits."))])
    latitude = DecimalField(_l("Latitude"), places=6, validators=[Optional(), NumberRange(-90, 90)])
    longitude = DecimalField(_l("Longitude"), places=6, validators=[Optional(), NumberRange(-180, 180)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    is_public = BooleanField(_l("Published on the public portal"), default=True)

    def project_values(self) -> dict:
        """The form's data in the shape the project service takes."""
        values = {name: getattr(self, name).data for name in (
            "title_uk", "title_en", "description_uk", "description_en", "sector", "subsector", "project_type",
            "purpose", "location_code", "address", "is_public")}
        for name in ("title_en", "description_uk", "description_en", "subsector", "location_code", "address"):
            values[name] = (values[name] or "").strip() or None
        for name in ("latitude", "longitude"):
            value = getattr(self, name).data
            values[name] = float(value) if value is not None else None
        return values


class NewProjectForm(ProjectForm):
    authority_id = SelectField(_l("Owning authority"), coerce=int, validators=[DataRequired()])


class EditProjectForm(ProjectForm, VersionedForm):
    """The general data of an existing project, with the version it was loaded from (no lost work)."""
