"""The meeting page: when, where, who, the numbered points in both languages, pledges, sources."""

from meetings.models import Meeting
from tests.factories import make_commitment, make_meeting

URL = "/meetings/gallium-symposium-2023/"


def test_it_shows_organizer_place_and_the_unknown_date(client, founding_record):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "鎵產業高質量發展專題座談會" in html
    assert "中國有色金屬工業協會" in html
    assert "寧夏銀川" in html
    # The day is unknown: the page says so and gives the report date, inventing nothing.
    assert "Date not given" in html
    assert "近日" in html
    assert 'reported <time datetime="2023-10-12">2023-10-12</time>' in html


def test_it_shows_the_people_in_their_roles(client, founding_record):
    html = client.get(URL).content.decode()
    for name, role in (("葛紅林", "speaker"), ("范順科", "chair"), ("許允", "attendee")):
        assert name in html
        assert role in html
    assert "中國有色金屬工業協會副秘書長兼辦公室(黨委辦公室)主任" in html


def test_it_lists_the_seven_companies_and_says_the_list_may_be_partial(client, founding_record):
    response = client.get(URL)
    assert len(response.context["companies"]) == 7
    html = response.content.decode()
    assert "廣東先導稀材股份有限公司" in html
    assert 'href="/companies/chalco/"' in html
    assert "other companies may have taken part" in html


def test_it_lists_the_government_bureau_and_association_branches_as_also_present(client, founding_record):
    response = client.get(URL)
    others = {p.organization.name for p in response.context["others"]}
    assert others == {"產業安全與進出口管制局", "稀有稀土部", "輕金屬部", "鋁業分會", "稀散金屬分會"}
    assert "government attendee" in response.content.decode()


def test_each_commitment_shows_number_original_translation_and_pledgers(client, founding_record):
    html = client.get(URL).content.decode()
    for number in range(1, 6):
        assert f'href="/commitments/gallium-symposium-2023/{number}/"' in html
    assert "嚴格遵守國家法規,積極爭取政策支持" in html
    assert "Strictly comply with national laws and regulations" in html
    assert "English (our translation)" in html
    assert html.count("Pledged by 7:") == 5


def test_it_cites_the_source_without_inventing_an_address(client, founding_record):
    html = client.get(URL).content.decode()
    assert "中國產業經濟信息網" in html
    assert "中國有色金屬報" in html
    assert "No web address is recorded." in html


def test_original_text_is_marked_with_its_language(client, founding_record):
    html = client.get(URL).content.decode()
    assert '<h1 lang="zh-Hant">鎵產業高質量發展專題座談會</h1>' in html


def test_a_draft_meeting_is_not_public(client, db):
    meeting = make_meeting(status=Meeting.Status.DRAFT)
    make_commitment(meeting)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(f"/commitments/{meeting.slug}/1/").status_code == 404


def test_a_meeting_with_a_month_precision_date_shows_only_the_month(client, db):
    meeting = make_meeting(
        held_on="2024-05-01", held_on_precision=Meeting.DatePrecision.MONTH, reported_on="2024-06-02"
    )
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<time datetime="2024-05">2024-05</time>' in html
    assert "2024-05-01" not in html


def test_the_matrix_labels_follow_the_interface_language_whichever_was_served_first(
    founding_record, in_language
):
    # Statuses are translated once per language and reused: each page still gets its own
    # language's labels, whichever language was served before it.
    cell = (
        'class="status status--no_record" href="/commitments/gallium-symposium-2023/1/#pledge-chalco">{}</a>'
    )
    for language, label in [
        ("en", "no record yet"),
        ("zh-hant", "暫無記錄"),
        ("zh-hans", "暂无记录"),
        ("en", "no record yet"),
    ]:
        html = in_language(language).get(URL).content.decode()
        start = html.index('<table class="matrix">')
        matrix = html[start : html.index("</table>", start)]
        assert cell.format(label) in matrix
        assert matrix.count("status--no_record") == 35


def test_a_company_the_source_does_not_name_is_marked_implied(client, founding_record):
    from meetings.models import Participation

    Participation.objects.filter(meeting__slug="gallium-symposium-2023", organization__slug="chalco").update(
        named_in_source=False
    )
    html = client.get(URL).content.decode()
    companies = html[html.index('<ul class="orgs">') :]
    companies = companies[: companies.index("</ul>")]
    items = companies.split("<li>")[1:]
    assert len(items) == 7
    implied = [item for item in items if '<span class="label">implied by the source</span>' in item]
    assert len(implied) == 1
    assert 'href="/companies/chalco/"' in implied[0]
