"""The program's public face for other domains: the terms and privacy policy in force, the
terms gate (which version a member must accept before earning for actions or redeeming),
publishing versions and recording members' acceptances. The implementation is
app.program.terms. What the program offers, as members read it, is app.program.overview:
it reads the earning, tier and reward services, which call this module for the gate.
Crediting the points that waited for an acceptance is app.flows.accept_terms."""

from app.program.models import DocumentKind as DocumentKind  # re-exported: the vocabulary
from app.program.terms import AcceptanceStatus as AcceptanceStatus
from app.program.terms import Accepted as Accepted
from app.program.terms import Document as Document
from app.program.terms import acceptance_statuses as acceptance_statuses
from app.program.terms import current_documents as current_documents
from app.program.terms import current_terms as current_terms
from app.program.terms import documents as documents
from app.program.terms import publish as publish
from app.program.terms import published_versions as published_versions
from app.program.terms import record_acceptance as record_acceptance
from app.program.terms import require_accepted as require_accepted
from app.program.terms import version_to_accept as version_to_accept
