"""drama_subtitle's SRT and ASS files, read with pysubs2 (what subtitle tools in Python use)."""

import json
import urllib.request

import pysubs2

from kling_mock import Emulator


def call(emu, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(emu.url(path), data=data, method=method, headers=emu.headers(api_key=True))
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_subtitle_files_parse_and_their_cues_fit_the_video():
    with Emulator() as emu:
        # A source video the emulator served says its length: 42 s.
        source = emu.url("/media/videos/42s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4")
        body = {
            "contents": [{"type": "source_video", "url": source}, {"type": "glossary", "source": "宋棠", "target": "Song Tang"}],
            "settings": {"font_size": 48, "margin_v": 120},
        }
        task_id = call(emu, "POST", "/solutions/drama_subtitle", body)["data"]["id"]
        emu.advance(3 * 3600)
        task = call(emu, "GET", f"/solutions?task_ids={task_id}")["data"][0]
        assert task["status"] == "succeeded"
        outputs = {o["type"]: o for o in task["outputs"]}
        assert list(outputs) == ["subbed_video", "srt", "ass"]
        video_ms = round(float(outputs["subbed_video"]["duration"]) * 1000)
        assert video_ms == 42_000

        srt = pysubs2.SSAFile.from_string(fetch(outputs["srt"]["url"]), format_="srt")
        ass = pysubs2.SSAFile.from_string(fetch(outputs["ass"]["url"]), format_="ass")
        for subs in (srt, ass):
            assert len(subs) == 14
            assert all(0 <= line.start < line.end <= video_ms for line in subs)
            assert subs[-1].start >= video_ms - 3000, "the cues run to the end"
        assert [line.text for line in srt] == [line.text for line in ass]
        style = ass.styles["Default"]
        assert (style.fontsize, style.marginv) == (48, 120)
