"""The filing archive: records as Markdown with validated front-matter, published with MkDocs.

The core (records, registry, validation, indexes, filing, cadence rules, compliance) does not import MkDocs;
``mkdocs_adapter`` is the one module that does.
"""
