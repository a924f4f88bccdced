"""``/my``: each signed-in role's home ("my work"), and where signing in lands."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template
from flask_login import login_required

from tracker.accounts.views import HOME_ENDPOINT, current_scope_paths, user_or_none
from tracker.core.db import get_session
from tracker.governance.views import current_rules
from tracker.workspaces import read_models
from tracker.workspaces.policy import home_of

bp = Blueprint("workspaces", __name__)

#: Pages other features may add (an administrator's user list, the rule settings): linked only when present.
OPTIONAL_PAGES = {"users": "/manage/users", "rule_settings": "/manage/rules/settings"}


def init_app(app: Flask) -> None:
    """Signing in lands on the role's home (``accounts.views.login`` reads this)."""
    app.extensions[HOME_ENDPOINT] = "workspaces.home"


def _present_pages() -> dict[str, str]:
    rules = {rule.rule for rule in current_app.url_map.iter_rules()}
    return {name: path for name, path in OPTIONAL_PAGES.items() if path in rules}


@bp.get("/my")
@login_required
def home():
    """The signed-in user's own home: what their role has to do next."""
    user = user_or_none()
    kind = home_of(user)
    if kind is None:
        abort(403)
    session = get_session()
    if kind == "planner":
        data = read_models.planner_home(session=session, user=user, scope_paths=current_scope_paths(),
                                        context=current_rules())
    elif kind == "auditor":
        data = read_models.auditor_home(session=session, user=user, scope_paths=current_scope_paths())
    elif kind == "partner":
        data = read_models.partner_home(session=session, user=user)
    elif kind == "admin":
        data = read_models.admin_home(session=session)
    else:
        data = read_models.moderator_home(session=session)
    return render_template(f"workspaces/{kind}.html", home=data, pages=_present_pages())
