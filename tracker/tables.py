"""Every feature's tables in one place: importing this module registers them all on ``SQLModel.metadata``.

It also installs the session listeners that every write path shares — the change history, the audit
trail and the re-evaluation of changed projects — so no caller (web, CLI, CSV import, a test) can
forget them, and connects the features' receivers to the signals of the features below them (engagement
mails followers when governance moves a stage; audit gives governance its manual verdicts).
``tracker/__init__.py`` imports it, so importing anything of ``tracker`` wires all of this.
"""
from tracker.accounts.models import User, UserAuthority
from tracker.audit import marks as _audit_marks  # noqa: E402,F401
from tracker.audit import trail as _audit_trail  # noqa: E402,F401
from tracker.audit.models import AuditEntry, AuditHead, ChecklistSignoff, Finding, FindingEvent, ManualMark
from tracker.core import data_version
from tracker.core.data_version import DataVersion
from tracker.core.models import (
    Authority,
    AuthorityBase,
    Organisation,
    OrganisationBase,
    OutboxMessage,
    RateLimitEvent,
)
from tracker.demo import katottg_job as _katottg_job  # noqa: E402,F401,I001  (the KATOTTG import as a job)
from tracker.engagement import notifications as _notifications  # noqa: E402,F401
from tracker.engagement.models import (
    Need,
    Offer,
    OfferMessage,
    PartnerProfile,
    Partnership,
    PartnershipActivity,
    PartnershipMember,
    ProjectFollower,
)
from tracker.governance import compliance as _compliance  # noqa: E402,F401
from tracker.governance import evaluation_jobs as _evaluation_jobs  # noqa: E402,F401,I001  (evaluating as a job)
from tracker.governance import reevaluation as _reevaluation  # noqa: E402,F401
from tracker.governance.models import Evaluation, EvaluationFacts, EvaluationScore, RuleSetSource, RuleSetting
from tracker.jobs import runner as _job_runner  # noqa: E402,F401  (declares the task that runs jobs)
from tracker.jobs.models import Job, JobUndo, JobWorker
from tracker.planning import history as _change_history  # noqa: E402,F401
from tracker.planning import import_jobs as _import_jobs  # noqa: E402,F401  (the CSV import job kinds)
from tracker.planning import listing as _listing  # noqa: E402,F401  (list orders, contract words)
from tracker.planning.document_models import Document
from tracker.planning.history_models import ChangeRecord
from tracker.planning.models import (
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
from tracker.projects import search as _project_search  # noqa: E402,F401  (keeps each project's search words)
from tracker.projects.models import (
    FundingLine,
    FundingLineBase,
    Project,
    ProjectBase,
    ProjectParty,
    ProjectSearch,
    StageHistory,
)
from tracker.publishing import export_jobs as _export_jobs  # noqa: E402,F401,I001  (the full OC4IDS file)
from tracker.publishing import report_jobs as _report_jobs  # noqa: E402,F401,I001  (big PDF reports as jobs)
from tracker.voice import facts as _voice_facts  # noqa: E402,F401,I001  (citizens' items as rule facts)
from tracker.voice.models import CitizenItem, CitizenPhoto

__all__ = [
    "Evaluation", "EvaluationFacts", "EvaluationScore", "RuleSetSource", "RuleSetting",
    "Authority", "AuthorityBase", "Organisation", "OrganisationBase",
    "FundingLine", "FundingLineBase", "Project", "ProjectBase", "ProjectParty", "ProjectSearch", "StageHistory",
    "User", "UserAuthority",
    "Need", "Offer", "OfferMessage", "OutboxMessage", "PartnerProfile", "Partnership", "PartnershipActivity",
    "PartnershipMember", "ProjectFollower", "RateLimitEvent",
    "Document", "ChangeRecord", "Contract", "ContractVariation", "Disbursement", "Indicator", "Milestone",
    "NeedsAssessment", "Permit", "ProgressObservation", "ProjectCompletion", "ProjectImplementation", "ProjectPlan",
    "AuditEntry", "AuditHead", "ChecklistSignoff", "Finding", "FindingEvent", "ManualMark",
    "DataVersion", "Job", "JobUndo", "JobWorker",
    "CitizenItem", "CitizenPhoto",
]

# Last, after every feature's listeners: the data version's bump must be the final write of a transaction.
_audit_trail.install()  # at commit, after the features' listeners: appends what they wrote
data_version.install()
