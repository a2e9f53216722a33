"""The bytes of an uploaded file as text: which encoding they are in, or why they are not text.

UTF-8, with or without its byte order mark, is read strictly. UTF-16 is read when the file
starts with its byte order mark. A file in which no character is UTF-8 is read as Windows-1252,
the encoding older spreadsheets save in, and a note says so. Everything else is refused with the
line at fault: a file that mixes encodings, a byte no encoding here gives, and control characters
such as NUL, which only binary files hold.

The bytes are checked a block at a time and never decoded whole, so a large upload costs no more
than itself; the table reader decodes them as it parses.
"""
import codecs
import re

NOT_CSV = "Save the table as CSV (comma-separated values) and upload that file."
SAVE_AS_UTF8 = "Save it again as UTF-8 (in Excel: CSV UTF-8) and upload that."
CP1252_NOTE = "The file is not UTF-8; it was read as Windows-1252."
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# One character beyond ASCII as UTF-8 writes it (RFC 3629). Windows-1252 text almost never holds one.
UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                            rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                            rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")   # the five bytes Windows-1252 leaves undefined
BLOCK = 1 << 20


def decode(data):
    """(data, start, encoding, notes) for the bytes of a file: bytes in which ASCII is ASCII (the
    file's own, or UTF-8 made from UTF-16), where its text starts (past a byte order mark), the
    codec that reads them ("utf-8" or "cp1252"), and sentences about how the file was read.
    ValueError, naming the line, for a file that is not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _from_utf16(data), 0, "utf-8", ()
    _check_control_bytes(data)
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    bad = _first_non_utf8(data, start)
    if bad is None:
        return data, start, "utf-8", ()
    if start:
        raise ValueError(f"Line {line_of(data, bad)} is not UTF-8 text, though the file starts with the mark "
                         f"of UTF-8. {SAVE_AS_UTF8}")
    utf8 = UTF8_CHARACTER.search(data)
    if utf8:
        raise ValueError(f"Line {line_of(data, bad)} is not UTF-8 text, but line {line_of(data, utf8.start())} is: "
                         f"the file mixes two text encodings. {SAVE_AS_UTF8}")
    undefined = NOT_CP1252.search(data)
    if undefined:
        raise ValueError(f"Line {line_of(data, undefined.start())} holds the byte 0x{data[undefined.start()]:02x}, "
                         f"which is neither UTF-8 nor Windows-1252 text. {SAVE_AS_UTF8}")
    return data, 0, "cp1252", (CP1252_NOTE,)


def line_of(data, offset):
    """The line (from 1) holding byte `offset` of ASCII-compatible bytes."""
    return data.count(b"\n", 0, offset) + 1


def _first_non_utf8(data, start):
    """The offset of the first byte that is not part of UTF-8 text, or None; read a block at a time."""
    position = start
    while position < len(data):
        final = position + BLOCK >= len(data)
        try:
            _, used = codecs.utf_8_decode(data[position:position + BLOCK], "strict", final)
        except UnicodeDecodeError as error:
            return position + error.start
        position += used
    return None


def _check_control_bytes(data):
    control = _first_control_byte(data)
    if control is None:
        return
    if data[control] == 0 and _looks_like_utf16(data[:400]):
        raise ValueError("The file looks like UTF-16 text without the mark that starts a UTF-16 file. "
                         f"{SAVE_AS_UTF8}")
    raise ValueError(f"Line {line_of(data, control)} holds a control character (byte 0x{data[control]:02x}), "
                     f"which text does not: the file holds binary data, so it is not a CSV file. {NOT_CSV}")


def _first_control_byte(data):
    """The offset of the first control byte, or None; a block at a time (bytes.translate is fast)."""
    for position in range(0, len(data), BLOCK):
        block = data[position:position + BLOCK]
        if len(block.translate(None, CONTROL_BYTES)) < len(block):
            return position + min(i for i in (block.find(bytes([c])) for c in CONTROL_BYTES) if i >= 0)
    return None


def _looks_like_utf16(head):
    """Whether every other byte is mostly NUL and the others are not, as in UTF-16 text of Latin letters."""
    halves = sorted((head[0::2], head[1::2]), key=lambda half: half.count(0))
    return len(head) >= 8 and halves[0].count(0) * 10 < len(halves[0]) and halves[1].count(0) * 2 > len(halves[1])


def _from_utf16(data):
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as error:
        line = data[:error.start].decode("utf-16", "replace").count("\n") + 1
        raise ValueError(f"Line {line} is not UTF-16 text, though the file starts with the mark of UTF-16. "
                         f"{SAVE_AS_UTF8}") from None
    control = CONTROL_CHARACTERS.search(text)
    if control:
        raise ValueError(f"Line {text.count(chr(10), 0, control.start()) + 1} holds a control character "
                         f"(U+{ord(control.group()):04X}), which text does not: the file holds binary data, so "
                         f"it is not a CSV file. {NOT_CSV}")
    return text.encode("utf-8")
