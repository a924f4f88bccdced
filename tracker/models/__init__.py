"""The database models; importing this package registers every table on ``SQLModel.metadata``."""
from .authority import Authority, AuthorityBase, Organisation, OrganisationBase
from .project import FundingLine, FundingLineBase, Project, ProjectBase, ProjectParty, StageHistory
from .user import User, UserAuthority

__all__ = [
    "Authority", "AuthorityBase", "Organisation", "OrganisationBase",
    "FundingLine", "FundingLineBase", "Project", "ProjectBase", "ProjectParty", "StageHistory",
    "User", "UserAuthority",
]
