"""The database models; importing this package registers every table on ``SQLModel.metadata``."""
from .audit import AuditEntry, AuditHead, ChecklistSignoff, Finding, FindingEvent, ManualMark
from .authority import Authority, AuthorityBase, Organisation, OrganisationBase
from .documents import Document
from .engagement import (
    Need,
    Offer,
    OfferMessage,
    OutboxMessage,
    PartnerProfile,
    Partnership,
    PartnershipActivity,
    PartnershipMember,
    ProjectFollower,
    RateLimitEvent,
)
from .evaluation import Evaluation, RuleSetting
from .history import ChangeRecord
from .project import FundingLine, FundingLineBase, Project, ProjectBase, ProjectParty, StageHistory
from .stages import (
    Contract,
    ContractVariation,
    Disbursement,
    Indicator,
    Milestone,
    NeedsAssessment,
    Permit,
    ProgressObservation,
    ProjectCompletion,
    ProjectImplementation,
    ProjectPlan,
)
from .user import User, UserAuthority

__all__ = [
    "Evaluation", "RuleSetting",
    "Authority", "AuthorityBase", "Organisation", "OrganisationBase",
    "FundingLine", "FundingLineBase", "Project", "ProjectBase", "ProjectParty", "StageHistory",
    "User", "UserAuthority",
    "Need", "Offer", "OfferMessage", "OutboxMessage", "PartnerProfile", "Partnership", "PartnershipActivity",
    "PartnershipMember", "ProjectFollower", "RateLimitEvent",
    "Document", "ChangeRecord", "Contract", "ContractVariation", "Disbursement", "Indicator", "Milestone",
    "NeedsAssessment", "Permit", "ProgressObservation", "ProjectCompletion", "ProjectImplementation", "ProjectPlan",
    "AuditEntry", "AuditHead", "ChecklistSignoff", "Finding", "FindingEvent", "ManualMark",
]
