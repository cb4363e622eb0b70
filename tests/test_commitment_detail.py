"""One commitment: its text in both languages, who pledged it, and the other points."""


def test_it_shows_the_original_text_translation_and_all_pledging_companies(client, founding_record):
    response = client.get("/commitments/gallium-symposium-2023/3/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "堅持自主創新,著力突破產業鏈“卡點、堵點”" in html
    assert "每年召開一次鎵產業鏈專題座談會" in html
    assert "hold a gallium industry-chain" in html
    assert "Pledged by (7)" in html
    assert 'href="/companies/zhuzhou-keneng-new-materials/"' in html


def test_it_links_to_the_other_points_of_the_meeting(client, founding_record):
    html = client.get("/commitments/gallium-symposium-2023/3/").content.decode()
    for number in (1, 2, 4, 5):
        assert f'href="/commitments/gallium-symposium-2023/{number}/"' in html
    assert 'aria-current="page"' in html
    assert 'href="/meetings/gallium-symposium-2023/"' in html
