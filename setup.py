"""Compile the translation catalogues whenever the package is built or installed (editable too).

Everything else about the package is declared in pyproject.toml.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """build_py that first turns every tracker/translations/*/LC_MESSAGES/messages.po into a .mo."""

    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path(__file__).parent.glob("tracker/translations/*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
