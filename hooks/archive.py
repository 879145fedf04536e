"""MkDocs hooks: each event is handed to filing_archive.mkdocs_adapter, where the logic lives.

Priorities: mkdocs-static-i18n runs its config and files events at -100; the archive runs
after it (-110) so it sees the files each language build really uses.
"""

from mkdocs.plugins import event_priority

from filing_archive.mkdocs_adapter import ArchiveSite

site = ArchiveSite()


def on_startup(command, dirty):
    site.start(command)


@event_priority(-110)
def on_config(config):
    return site.configure(config)


@event_priority(-110)
def on_files(files, config):
    return site.files(files, config)


def on_page_read_source(page, config):
    return site.page_source(page)


def on_page_markdown(markdown, page, config, files):
    return site.page_markdown(markdown, page)


def on_page_content(html, page, config, files):
    return site.page_content(html, page)


def on_page_context(context, page, config, nav):
    return site.page_context(context, page, config)


@event_priority(-120)  # after mkdocs-static-i18n has built the other languages
def on_post_build(config):
    site.finish(config)


def on_build_error(error):
    site.abort()
