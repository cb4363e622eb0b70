"""Every public URL answers, with the founding record loaded as `make run` loads it."""

import pytest

PUBLIC_URLS = [
    "/",
    "/meetings/",
    "/meetings/gallium-symposium-2023/",
    "/meetings/gallium-symposium-2023/changes/",
    "/companies/",
    "/companies/chalco/",
    "/companies/hangzhou-jinjiang-group/",
    "/companies/guangdong-xiandao-rare-materials/",
    "/companies/zhuhai-sez-fangyuan/",
    "/companies/east-hope-group/",
    "/companies/zhuzhou-keneng-new-materials/",
    "/companies/shanxi-senze-energy-technology-group/",
    "/organizations/cnia/",
    "/organizations/mofcom/",
    "/organizations/mofcom-bureau-of-industrial-security-import-and-export-control/",
    "/organizations/cnia-light-metals-department/",
    "/commitments/",
    "/commitments/?company=chalco",
    "/commitments/gallium-symposium-2023/1/",
    "/commitments/gallium-symposium-2023/5/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_url_answers_200(client, founding_record, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html
    title = html[html.index("<title>") + len("<title>") : html.index("</title>")]
    assert "<" not in title and title.endswith("· Consensus tracker")


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/no-such-meeting/",
        "/companies/no-such-company/",
        "/organizations/no-such-organization/",
        "/commitments/gallium-symposium-2023/6/",
        "/commitments/gallium-symposium-2023/0/",
        "/commitments/no-such-meeting/1/",
        "/no-such-page/",
    ],
)
def test_unknown_addresses_get_the_not_found_page(client, founding_record, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "There is no public page at this address" in response.content.decode()


def test_every_page_links_to_the_three_lists(client, founding_record):
    response = client.get("/meetings/gallium-symposium-2023/")
    for link in ('href="/meetings/"', 'href="/companies/"', 'href="/commitments/"'):
        assert link in response.content.decode()
