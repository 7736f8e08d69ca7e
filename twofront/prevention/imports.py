"""The prevention datasets the transfer engine imports, declared per line of work in imports_<area>.py."""

from twofront.prevention import imports_screening, imports_testing  # noqa: F401  (registers their ImportSpecs)
