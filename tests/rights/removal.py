"""A takedown an operator carries out at once, for tests of what a removal does to the other surfaces."""

from newsdesk.rights.services import takedown_operator_remove, takedown_request_create


def operator_takedown(*urls: str) -> int:
    """File a takedown notice for `urls` and have an operator remove them; returns the articles removed."""
    request = takedown_request_create(
        requester_name="Rita Owner",
        requester_email="rita@publisher.example",
        signature="Rita Owner",
        good_faith=True,
        accurate=True,
        urls=list(urls),
    )
    return takedown_operator_remove(request=request, actor="operator ann")
