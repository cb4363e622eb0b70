"""An organization's page: meetings convened or attended, parent and branches."""


def test_the_organizer_page_lists_the_meeting_it_convened_and_its_branches(client, founding_record):
    response = client.get("/organizations/cnia/")
    assert response.status_code == 200
    assert [m.slug for m in response.context["convened"]] == ["gallium-symposium-2023"]
    html = response.content.decode()
    assert "中國有色金屬工業協會" in html
    for branch in ("稀有稀土部", "輕金屬部", "鋁業分會", "稀散金屬分會"):
        assert branch in html


def test_a_branch_page_names_its_parent_and_the_meeting_attended(client, founding_record):
    response = client.get("/organizations/cnia-scattered-metals-branch/")
    html = response.content.decode()
    assert 'href="/organizations/cnia/"' in html
    assert 'href="/meetings/gallium-symposium-2023/"' in html


def test_the_ministry_is_public_through_its_bureau(client, founding_record):
    response = client.get("/organizations/mofcom/")
    assert response.status_code == 200
    assert "產業安全與進出口管制局" in response.content.decode()


def test_a_company_at_the_organization_address_is_redirected_to_its_company_page(client, founding_record):
    response = client.get("/organizations/chalco/")
    assert response.status_code == 302
    assert response["Location"] == "/companies/chalco/"
