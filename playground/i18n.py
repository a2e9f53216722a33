"""The playground in English and in Simplified Chinese: gettext catalogs, one language per session.

Strings are marked where they are written, so that extraction finds every one of them:
    _("Training loss")       translated now, in the language of the page being drawn;
    N_("A disc of one class…")  marked only: a string kept in a table, translated where it is shown;
    ngettext("{n} epoch", "{n} epochs", n)  a sentence with a number.
The catalogs are `locale/<language>/LC_MESSAGES/playground.po`, read with Babel when first needed
(nothing to compile). The language is a context variable: the page sets it at the start of each of
its runs (`set_language`), and every `_` below the page, in the plots or in the data sets'
descriptions, follows it without knowing which session asks.

    python -m playground.i18n extract   # rewrite the template and merge new strings into each catalog
"""
import contextvars
import functools
import gettext
import io
import os
import sys

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT = "en"
DOMAIN = "playground"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
CATALOG_LOCALES = {"zh": "zh_CN"}  # a language's catalog folder
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_language = contextvars.ContextVar("language", default=DEFAULT)


def catalog_path(language):
    return os.path.join(LOCALE_DIR, CATALOG_LOCALES[language], "LC_MESSAGES", f"{DOMAIN}.po")


@functools.cache
def translations(language):
    """The gettext translations of `language`, read from its catalog once per process."""
    if language not in CATALOG_LOCALES:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with open(catalog_path(language), "rb") as file:
        catalog = read_po(file, locale=CATALOG_LOCALES[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def set_language(language):
    """The language of what is drawn from now on, in this context (a script run of one session)."""
    _language.set(language if language in LANGUAGES else DEFAULT)


def language():
    return _language.get()


def _(message):
    """`message` in the current language."""
    return translations(_language.get()).gettext(message)


def ngettext(singular, plural, n):
    return translations(_language.get()).ngettext(singular, plural, n)


def sentences(*parts):
    """Sentences one after the other: a space between them in English, none in Chinese."""
    return ("" if _language.get() == "zh" else " ").join(part for part in parts if part)


def N_(message):
    """Marks `message` for extraction; it is translated where it is shown, with _(message)."""
    return message


def best_language(locale):
    """The page's language for a browser's locale such as "zh-CN" or "en-GB": Chinese for zh*, else English."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT


def extract():
    """Every marked string of the package: a Babel Catalog (the template)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    template = Catalog(project="Neural Playground", domain=DOMAIN)
    package = os.path.dirname(os.path.abspath(__file__))
    for filename, line, message, comments, context in extract_from_dir(
            package, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)):
        template.add(message, locations=[(os.path.join("playground", filename), line)], auto_comments=comments,
                     context=context)
    return template


def update_catalogs():
    """Writes the template (locale/playground.pot) and merges it into each language's catalog."""
    from babel.messages.pofile import read_po, write_po
    template = extract()
    with open(os.path.join(LOCALE_DIR, f"{DOMAIN}.pot"), "wb") as file:
        write_po(file, template, omit_header=True, sort_output=True, width=100)
    for language in CATALOG_LOCALES:
        path = catalog_path(language)
        with open(path, "rb") as file:
            catalog = read_po(file, locale=CATALOG_LOCALES[language])
        catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
        with open(path, "wb") as file:
            write_po(file, catalog, omit_header=True, sort_output=True, width=100, ignore_obsolete=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["extract"]:
        sys.exit("usage: python -m playground.i18n extract")
    update_catalogs()
