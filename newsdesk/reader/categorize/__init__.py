"""Categories: which of our eight sections an article belongs to, from its text (a model trained on labelled
examples) with the publisher's section as a hint."""

from newsdesk.reader.categorize.classifier import (
    CATEGORIES,
    CategoryModel,
    choose_category,
    default_model,
    read_examples,
)

__all__ = ["CATEGORIES", "CategoryModel", "choose_category", "default_model", "read_examples"]
