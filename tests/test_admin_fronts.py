"""The Fronts admin, through the test client: the list of pages, a front's slots in order, and
what an editor is told when slots clash."""

import re
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from articles.models import Article, Front, FrontSlot

from .factories import make_article, make_section
from .test_admin import inline_management
from .test_workflow import user_in

FRONTS = "/admin/articles/front/"


def slot_rows(*rows, initial=0):
    """The slots formset's POST data: ``rows`` of (slot or None, article, position, until)."""
    data = inline_management("slots", len(rows), initial)
    for index, (slot, article, position, until) in enumerate(rows):
        prefix = f"slots-{index}"
        data |= {
            f"{prefix}-id": slot.pk if slot else "",
            f"{prefix}-article": article.pk if article else "",
            f"{prefix}-position": position,
            f"{prefix}-pinned_until_0": until.strftime("%Y-%m-%d") if until else "",
            f"{prefix}-pinned_until_1": until.strftime("%H:%M:%S") if until else "",
        }
    return data


class FrontAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = user_in("Editor", "editor")
        cls.world = make_section(name="World", slug="world", order=2)
        cls.city = make_section(name="City", slug="city", order=1)
        cls.lead = make_article(headline="Harbour reopens")
        cls.second = make_article(headline="Ferry timetable changes")

    def setUp(self):
        self.client.force_login(self.editor)

    def home(self):
        Front.objects.create_missing()
        return Front.objects.get(section=None)

    def change_url(self, front):
        return f"{FRONTS}{front.pk}/change/"

    def test_the_list_has_the_home_page_then_each_section_in_navigation_order(self):
        response = self.client.get(FRONTS)
        self.assertEqual(
            [str(front) for front in response.context["cl"].result_list],
            ["Home page", "Section: City", "Section: World"],
        )
        self.assertContains(response, 'href="/sections/city/"')
        self.assertNotContains(response, "Add front")
        self.client.get(FRONTS)  # opened again: nothing made twice
        self.assertEqual(Front.objects.count(), 3)

    def test_a_new_section_gets_its_front_when_the_list_is_opened(self):
        self.client.get(FRONTS)
        make_section(name="Sport", slug="sport")
        self.assertContains(self.client.get(FRONTS), "Section: Sport")

    def test_an_editor_pins_articles_and_reorders_them(self):
        home = self.home()
        response = self.client.post(
            self.change_url(home),
            slot_rows((None, self.lead, 1, None), (None, self.second, 2, None)),
        )
        self.assertRedirects(response, FRONTS)
        lead, second = home.slots.all()
        self.assertEqual([lead.article, second.article], [self.lead, self.second])
        self.assertEqual(self.client.get("/").context["articles"][:2], [self.lead, self.second])

        swapped = slot_rows((lead, self.lead, 2, None), (second, self.second, 1, None), initial=2)
        self.assertRedirects(self.client.post(self.change_url(home), swapped), FRONTS)
        self.assertEqual([s.article for s in home.slots.all()], [self.second, self.lead])
        self.assertEqual(self.client.get("/").context["articles"][:2], [self.second, self.lead])

    def test_a_pin_with_an_end(self):
        home = self.home()
        until = timezone.localtime() + timedelta(days=1)
        data = slot_rows((None, self.lead, 1, until))
        self.assertRedirects(self.client.post(self.change_url(home), data), FRONTS)
        self.assertEqual(
            home.slots.get().pinned_until.replace(microsecond=0), until.replace(microsecond=0)
        )

    def test_two_slots_at_one_position_or_with_one_article_are_refused(self):
        home = self.home()
        for rows, message in (
            (
                ((None, self.lead, 1, None), (None, self.second, 1, None)),
                "Two slots have position 1: give each slot a place of its own.",
            ),
            (
                ((None, self.lead, 1, None), (None, self.lead, 2, None)),
                "“Harbour reopens” is in two slots: an article takes one place on a front.",
            ),
        ):
            with self.subTest(message):
                response = self.client.post(self.change_url(home), slot_rows(*rows))
                self.assertContains(response, message)
                self.assertFalse(home.slots.exists())

    def test_a_position_below_one_is_refused(self):
        home = self.home()
        response = self.client.post(self.change_url(home), slot_rows((None, self.lead, 0, None)))
        self.assertContains(response, "Ensure this value is greater than or equal to 1.")

    def test_the_form_says_which_slots_readers_see_now(self):
        home = self.home()
        hidden = make_article(headline="Taken down", status=Article.Status.UNPUBLISHED)
        ended = timezone.now() - timedelta(hours=1)
        FrontSlot.objects.create(front=home, article=self.lead, position=1)
        FrontSlot.objects.create(front=home, article=hidden, position=2)
        FrontSlot.objects.create(front=home, article=self.second, position=3, pinned_until=ended)
        response = self.client.get(self.change_url(home))
        html = response.content.decode()
        cells = html.split('<td class="field-shown">')[1:4]
        for cell, text in zip(
            cells, ("Yes", "No: the article is unpublished", "No: the pin has ended"), strict=True
        ):
            self.assertIn(text, cell)

    def test_the_form_loads_its_ordering_script_and_styles_from_files(self):
        response = self.client.get(self.change_url(self.home()))
        self.assertContains(response, "articles/front-slots.js")
        self.assertContains(response, "articles/front-slots.css")
        inline = re.findall(r"<script\b[^>]*>\s*([^<\s][^<]*)</script>", response.content.decode())
        self.assertEqual(inline, [], "no inline script: the Content Security Policy refuses it")

    def test_the_article_autocomplete_finds_articles_for_a_slot(self):
        response = self.client.get(
            "/admin/autocomplete/",
            {
                "app_label": "articles",
                "model_name": "frontslot",
                "field_name": "article",
                "term": "harb",
            },
        )
        self.assertEqual([r["text"] for r in response.json()["results"]], ["Harbour reopens"])

    def test_fronts_cannot_be_added_or_deleted(self):
        home = self.home()
        self.assertEqual(self.client.get(f"{FRONTS}add/").status_code, 403)
        self.assertEqual(self.client.get(f"{FRONTS}{home.pk}/delete/").status_code, 403)

    def test_writers_do_not_curate_fronts(self):
        self.client.force_login(user_in("Writer", "writer"))
        self.assertEqual(self.client.get(FRONTS).status_code, 403)
        home = self.home()
        response = self.client.post(self.change_url(home), slot_rows((None, self.lead, 1, None)))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(home.slots.exists())
