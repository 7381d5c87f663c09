"""Plain server-rendered HTML pages (sign-in, residents' form): one shell, system fonts, no JS.

Every value put into a page goes through ``esc``; nothing a person typed is ever markup.
"""

from __future__ import annotations

from html import escape

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:18px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",
"Microsoft YaHei",sans-serif;
background:#0e1726;color:#e8eef7}
main{max-width:560px;margin:0 auto;padding:20px 16px 48px}
h1{font-size:24px;margin:8px 0 4px}
.en{color:#9fb0c8;font-size:.85em}
label{display:block;margin:14px 0 6px;font-weight:600}
input,select,textarea{width:100%;font:inherit;padding:10px;border-radius:8px;
border:1px solid #3a4a66;
background:#15223a;color:#e8eef7}
textarea{min-height:120px}
fieldset{border:1px solid #3a4a66;border-radius:8px;margin:14px 0;padding:8px 12px}
fieldset label{display:inline-block;margin:6px 16px 6px 0;font-weight:400}
fieldset input{width:auto}
button{margin-top:18px;width:100%;font:inherit;font-weight:700;padding:14px;border:0;border-radius:10px;
background:#2f7cf6;color:#fff;cursor:pointer}
.error{background:#5a1d24;border:1px solid #b33a48;padding:10px 12px;border-radius:8px}
.ok{background:#173d2a;border:1px solid #2f8f57;padding:10px 12px;border-radius:8px}
.track{font:700 28px/1.2 ui-monospace,monospace;letter-spacing:.06em;overflow-wrap:anywhere}
ol.stages{list-style:none;padding:0}
ol.stages li{padding:10px 12px;margin:6px 0;border-radius:8px;background:#15223a}
ol.stages li.done{border-left:6px solid #2f8f57}
ol.stages li.todo{border-left:6px solid #3a4a66;color:#9fb0c8}
.muted{color:#9fb0c8}
dl.facts{margin:12px 0}
dl.facts dt{color:#9fb0c8;font-size:.9em;margin-top:8px}
dl.facts dd{margin:2px 0 0}
.photos{display:flex;gap:8px;flex-wrap:wrap;margin:10px 0}
img.thumb{width:96px;height:96px;object-fit:cover;border-radius:8px;border:1px solid #3a4a66}
a{color:#7fb2ff}
"""


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, head: str = "") -> str:
    """A whole zh-CN page; ``body`` and ``head`` must already be escaped markup."""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title>{head}<style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def bi(zh: str, en: str) -> str:
    """A label in Chinese with its English, escaped."""
    return f"{esc(zh)} <span class='en'>{esc(en)}</span>"


def message(title: str, text_zh: str, text_en: str, link: str = "") -> str:
    return page(
        title,
        f"<h1>{esc(text_zh)}</h1><p class='en'>{esc(text_en)}</p>{link}",
    )
