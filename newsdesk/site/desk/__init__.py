"""The operator's desk: the Django admin under our own AdminSite, whose front page shows what needs attention."""
