"""SOP schema: the data model, canonical sections and profiles."""

from sopgen.schema.models import (
    SOP,
    SUPPORTED_LANGUAGES,
    Brief,
    Citation,
    Outline,
    OutlineSection,
    Role,
    Section,
    Step,
)
from sopgen.schema.profiles import (
    CANONICAL_IDS,
    Profile,
    SectionSpec,
    canonical_sections,
    list_profiles,
    load_profile,
    profile_json_schema,
)

__all__ = [
    "CANONICAL_IDS",
    "SOP",
    "SUPPORTED_LANGUAGES",
    "Brief",
    "Citation",
    "Outline",
    "OutlineSection",
    "Profile",
    "Role",
    "Section",
    "SectionSpec",
    "Step",
    "canonical_sections",
    "list_profiles",
    "load_profile",
    "profile_json_schema",
]
