"""MkDocs hooks: each event is handed to filing_archive.mkdocs_adapter, where the logic lives.

Priorities: after mkdocs-static-i18n (why: filing_archive.mkdocs_adapter.StaticI18n).
"""

from mkdocs.plugins import event_priority

from filing_archive.mkdocs_adapter import ArchiveSite, StaticI18n

site = ArchiveSite()


def on_startup(command, dirty):
    site.start(command)


@event_priority(StaticI18n.AFTER)
def on_config(config):
    return site.configure(config)


@event_priority(StaticI18n.AFTER)
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


def on_post_page(output, page, config):
    return site.post_page(output, page)


@event_priority(StaticI18n.LAST)
def on_post_build(config):
    site.finish(config)


def on_build_error(error):
    site.abort()
