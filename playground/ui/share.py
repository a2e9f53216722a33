"""Share: every link a teacher gives out (the page's, a classroom one, the presentation, a challenge's), each
as text with a Copy button (the code block's) and as a QR code large enough to scan from the back of a room.

A link holds only the settings that differ from their defaults (settings.share_links), so its QR code keeps
few, large modules: about 60 per side, each at least 6 px in a QR_PIXELS-wide picture.
"""
import io
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from .. import settings
from ..i18n import N_, _
from . import state

QR_PIXELS = 440          # a side; on a projector about a third of the screen's width, readable across a room
FALLBACK_ADDRESS = "http://localhost:8501/"
TITLES = {"page": N_("This page"), "classroom": N_("For this class: every control hidden"),
          "presentation": N_("Presentation: for the projector"), "challenge": N_("The challenge")}
NOTES = {"page": N_("The settings as they are now; whoever opens it can change them."),
         "classroom": N_("The same settings, fixed: students press Play and watch, and see each value, read-only."),
         "presentation": N_("The live part across the whole screen, without the sidebar, in large type."),
         "challenge": N_("The challenge alone: its data, goal, epochs and limits; the rest is the student's.")}


def qr_png(link):
    """The PNG bytes of `link`'s QR code, QR_PIXELS or a little more a side, with its quiet zone of 4 modules."""
    code = segno.make(link, error="m", micro=False)
    side = code.symbol_size(scale=1, border=4)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=-(-QR_PIXELS // side), border=4)
    return buffer.getvalue()


def address():
    """The page's address without its query, as the browser has it."""
    url = st.context.url or FALLBACK_ADDRESS
    return url if url.endswith("/") else url + "/"


def share_section(_run):
    st.subheader(_("Share"))
    base = address()
    if urlsplit(base).hostname in ("localhost", "127.0.0.1", "::1"):
        st.caption(_("This page is open at localhost, which only this computer reaches: open it at the Network URL "
                     "that Streamlit prints when it starts, and the links below work on the students' devices."))
    links = settings.share_links(state.values())
    for kind, query in links.items():
        link = base + "?" + urlencode(query)
        with st.container(border=True, key=f"share_{kind}"):
            text, code = st.columns(2, vertical_alignment="center")
            text.markdown("**" + _(TITLES[kind]) + "**")
            text.caption(_(NOTES[kind]))
            text.code(link, language=None, wrap_lines=True)
            code.image(qr_png(link), width=QR_PIXELS, caption=_("Scan to open"),
                       alt=_("QR code of the link: {title}").format(title=_(TITLES[kind])))
