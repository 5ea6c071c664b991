"""Write each domain's .pot template from its English catalogue: `python -m bot.i18n.template`.

English is where a phrase is added (msgid = key, msgstr = the English wording). The template
carries every key with its English wording as a translator comment ("#. en: …"), so that
`pybabel update` adds new keys to the other languages and keeps their comments current, and
`pybabel init` starts a new language with all of them. `make i18n` runs both steps.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.i18n.catalogue import REFERENCE, po_path, read_catalog, shipped

WIDTH = 100  # the wrapping `make i18n` passes to pybabel too, so files do not churn


def template(directory: Path, domain: str) -> Catalog:
    english = read_catalog(po_path(directory, domain, REFERENCE), REFERENCE, domain)
    result = Catalog(domain=domain, project="social-media-coach", fuzzy=False)
    for message in english:
        if not message.id:
            continue
        string = message.string
        wording = string if isinstance(string, str) else " | ".join(string or ())
        result.add(message.id, auto_comments=[f"en: {wording}"])
    return result


def template_path(directory: Path, domain: str) -> Path:
    return directory / f"{domain}.pot"


def main() -> None:
    for directory, domain in shipped():
        path = template_path(directory, domain)
        with path.open("wb") as handle:
            write_po(handle, template(directory, domain), width=WIDTH, no_location=True)
        print(path)


if __name__ == "__main__":
    main()
