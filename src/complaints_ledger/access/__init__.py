"""Who may do what: principals, bearer tokens, and the access policy for cases."""

from complaints_ledger.access.policy import Policy, case_organisations
from complaints_ledger.access.principal import Principal
from complaints_ledger.access.tokens import TokenInfo, TokenStore

__all__ = ["Policy", "Principal", "TokenInfo", "TokenStore", "case_organisations"]
