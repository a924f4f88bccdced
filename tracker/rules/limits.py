"""Limits that keep a rule file cheap to load and a condition cheap to evaluate."""

MAX_FILE_BYTES = 512 * 1024
MAX_CONDITION_DEPTH = 12  # all/any/not/every/some and nested operands count as one level each
MAX_REGEX_LENGTH = 300
