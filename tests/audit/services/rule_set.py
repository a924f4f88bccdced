"""The audit tests' own rule set: two automatic checks (one a red flag) and one manual item."""
from __future__ import annotations

AUDIT_RULES = """
id: test_audit
version: "1.0"
title_uk: Тестові правила аудиту
title_en: Test audit rules
source: tests
rules:
  - id: A-SITE
    title_uk: Код місця
    title_en: The site has a KATOTTG code
    principles: [P1]
    standard: ["test"]
    severity: warning
    condition: {fact: identification.location_code, matches: 'UA\\d{17}'}
    explain:
      pass_uk: "Код: {fact:identification.location_code}."
      pass_en: "Code: {fact:identification.location_code}."
      fail_uk: "Немає коду місця."
      fail_en: "The site has no KATOTTG code."
  - id: A-FUND
    title_uk: "Червоний прапорець: немає фінансування"
    title_en: "Red flag: no funding committed"
    tags: [red_flag]
    principles: [P9]
    standard: ["test"]
    severity: warning
    condition:
      value: {sum: planning.funding.committed}
      gt: 0
    explain:
      pass_uk: "Є фінансування."
      pass_en: "Funding is committed."
      fail_uk: "Немає фінансування."
      fail_en: "No funding is committed."
  - id: A-VISIT
    title_uk: Виїзд на місце підтверджує відповідність робіт договору
    title_en: A site visit confirms the works match the contract
    principles: [P8, P11]
    standard: ["test"]
    severity: warning
    kind: manual
    explain:
      pass_uk: Аудитор підтвердив.
      pass_en: An auditor confirmed the works match the contract.
      fail_uk: Аудитор не підтвердив.
      fail_en: An auditor found the works do not match the contract.
"""


def write_rules(directory):
    directory.mkdir(exist_ok=True)
    (directory / "test_audit.yaml").write_text(AUDIT_RULES, encoding="utf-8")
    return directory
