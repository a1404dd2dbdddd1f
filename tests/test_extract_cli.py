"""`newswatch extract FILE|URL --json` prints every field the extractor knows."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from tests.conftest import LocalSite
from tests.processes import run_cli

PAGE = (
    '<!doctype html><html lang="pt-BR"><head>'
    '<meta charset="iso-8859-1"><title>Nova ponte | Jornal</title>'
    '<meta property="og:title" content="Nova ponte abre em maio">'
    '<link rel="canonical" href="https://jornal.example/2024/03/04/nova-ponte">'
    '<meta property="article:published_time" content="2024-03-04T08:15:00-03:00">'
    '<meta property="article:modified_time" content="2024-03-05T09:00:00-03:00">'
    '<meta name="author" content="Ana Souza">'
    "</head><body><form id='f'><nav><a href='/'>Início</a></nav><article>"
    "<h1>Nova ponte abre em maio</h1>"
    "<p>O governo regional anunciou na segunda-feira que a nova ponte será aberta em maio.</p>"
    "<p>Os engenheiros concluíram os testes de carga na semana passada, antes do prazo.</p>"
    "</article></form></body></html>"
)
FIELDS = {
    "canonical_url": "https://jornal.example/2024/03/04/nova-ponte",
    "title": "Nova ponte abre em maio",
    "byline": "Ana Souza",
    "published": "2024-03-04T08:15:00-03:00",
    "modified": "2024-03-05T09:00:00-03:00",
    "language": "pt",
    "text": (
        "O governo regional anunciou na segunda-feira que a nova ponte será aberta em maio.\n"
        "Os engenheiros concluíram os testes de carga na semana passada, antes do prazo."
    ),
}


async def test_extract_file_json_has_every_field(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("iso-8859-1"))
    code, out, err = await run_cli("extract", str(path), "--json", cwd=tmp_path)
    assert code == 0, err
    assert json.loads(out) == {"url": "", **FIELDS}


async def test_extract_url_json_has_every_field(tmp_path: Path, site: LocalSite) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=PAGE.replace('<meta charset="iso-8859-1">', "").encode("iso-8859-1"),
            headers={"Content-Type": "text/html; charset=ISO-8859-1"},
        )

    url = site.route("/noticia", handler)
    code, out, err = await run_cli(
        "extract", url, "--json", "--allow-private-addresses", cwd=tmp_path
    )
    assert code == 0, err
    assert json.loads(out) == {"url": url, **FIELDS}


async def test_extract_without_json_prints_fields_then_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("iso-8859-1"))
    code, out, err = await run_cli("extract", str(path), cwd=tmp_path)
    assert code == 0, err
    head, _, text = out.partition("\n\n")
    assert "byline: Ana Souza" in head and "modified: 2024-03-05T09:00:00-03:00" in head
    assert text.strip() == FIELDS["text"]
