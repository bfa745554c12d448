"""Add synthetic articles in bulk (see articles/synthetic.py), e.g. to measure the site at scale.

python manage.py generate_demo --articles 100000
"""

import time

from django.core.management.base import BaseCommand, CommandError

from articles import synthetic


class Command(BaseCommand):
    help = "Add N synthetic articles with authors, sections, tags, captions and related links."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same text.")
        parser.add_argument("--batch-size", type=int, default=2000, metavar="N")

    def handle(self, **options):
        count, batch_size = options["articles"], options["batch_size"]
        if count < 1 or batch_size < 1:
            raise CommandError("--articles and --batch-size must be at least 1.")
        started = time.monotonic()

        def progress(done):
            rate = done / (time.monotonic() - started)
            self.stderr.write(f"\r{done}/{count} articles, {rate:.0f}/s", ending="")

        synthetic.generate(
            count,
            seed=options["seed"],
            batch_size=batch_size,
            progress=progress if self.stderr.isatty() else None,
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {count} articles in {seconds:.1f} s ({count / seconds:.0f}/s)."
            )
        )
