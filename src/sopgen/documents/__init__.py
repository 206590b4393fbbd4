"""Reading process documents: decoding, language, structure, and the one Document model."""

from sopgen.documents.loaders import EXTENSIONS, load_bytes, load_document, supported
from sopgen.documents.model import Block, DocSection, Document

__all__ = ["EXTENSIONS", "Block", "DocSection", "Document", "load_bytes", "load_document", "supported"]
