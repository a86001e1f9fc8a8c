"""`newsdesk audit verify`: check the takedown desk's hash-chained audit log."""

from django.core.management.base import BaseCommand, CommandError

from newsdesk.common.database import require_migrated
from newsdesk.rights.audit import audit_verify
from newsdesk.rights.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the takedown audit log's hash chain: exit 0 when intact, 1 with the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify: check every entry's hash and link")

    def handle(self, *args, **options):
        require_migrated()
        problem = audit_verify()
        if problem is not None:
            raise CommandError(f"audit log broken at entry #{problem.seq}: {problem.message}")
        head = AuditEntry.objects.order_by("-seq").first()
        if head is None:
            self.stdout.write("audit log verified: no entries yet")
            return
        # The head hash, kept elsewhere, also shows that no entry was cut off the end later.
        self.stdout.write(f"audit log verified: {head.seq} entries, head {head.entry_hash}")
