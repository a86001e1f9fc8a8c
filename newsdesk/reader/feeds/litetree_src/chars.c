/* Bytes and characters: the buffer, character classes, references, line ends, UTF-8 checks. */
#include "litetree.h"

/* ------------------------------------------------------------------------------------------------ */
/* Growable byte buffer                                                                             */

int buf_reserve(Buf *b, Py_ssize_t extra)
{
    if (b->len + extra <= b->cap)
        return 0;
    Py_ssize_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) {
        if (cap > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    char *data = PyMem_Realloc(b->data, (size_t)cap);
    if (!data) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

int buf_put(Buf *b, const char *s, Py_ssize_t n)
{
    if (n == 0)
        return 0; /* s may be NULL then (an empty buffer), and memcpy must not see it */
    if (buf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, s, (size_t)n);
    b->len += n;
    return 0;
}

void buf_free(Buf *b)
{
    PyMem_Free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}


/* ------------------------------------------------------------------------------------------------ */
/* Character classes                                                                                */

unsigned char TEXT_SPECIAL[256];
unsigned char NAME_CHAR[256];
unsigned char NAME_START[256];
unsigned char PREFIX_CHAR[256];

void init_tables(void)
{
    for (int c = 0; c < 256; c++) {
        int control = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
        TEXT_SPECIAL[c] = (unsigned char)(control || c == '&' || c == '\r' || c == ']');
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        int digit = c >= '0' && c <= '9';
        NAME_START[c] = (unsigned char)(alpha || c == '_' || c >= 0x80);
        NAME_CHAR[c] = (unsigned char)(alpha || digit || c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80);
        PREFIX_CHAR[c] = (unsigned char)(alpha || digit || c == '_');
    }
}



/* ------------------------------------------------------------------------------------------------ */
/* References and normalization                                                                     */

static int is_xml_char(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Write cp as UTF-8 at out; returns the number of bytes (1 to 4). */
static int put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The reference at s[0] == '&': its code point in *cp and its length, or 0 for anything that is not one
 * of XML's five entities or a character reference to an XML character. */
static Py_ssize_t read_reference(const char *s, Py_ssize_t n, uint32_t *cp)
{
    if (n < 4)
        return 0;
    switch (s[1]) {
    case 'l':
    case 'g':
        if (s[2] != 't' || s[3] != ';')
            return 0;
        *cp = s[1] == 'l' ? '<' : '>';
        return 4;
    case 'a':
        if (n >= 5 && s[2] == 'm' && s[3] == 'p' && s[4] == ';') {
            *cp = '&';
            return 5;
        }
        if (n >= 6 && memcmp(s + 2, "pos;", 4) == 0) {
            *cp = '\'';
            return 6;
        }
        return 0;
    case 'q':
        if (n >= 6 && memcmp(s + 2, "uot;", 4) == 0) {
            *cp = '"';
            return 6;
        }
        return 0;
    case '#':
        break;
    default:
        return 0;
    }
    uint32_t value = 0;
    Py_ssize_t i = 2;
    int hex = 0, digits = 0;
    if (s[2] == 'x') {
        hex = 1;
        i = 3;
    }
    for (; i < n && s[i] != ';'; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        value = value * (hex ? 16 : 10) + d;
        if (value > 0x10FFFF)
            return 0;
        digits++;
    }
    if (i >= n || !digits || !is_xml_char(value))
        return 0;
    *cp = value;
    return i + 1;
}

/* The first "]]>" in s[0..n), found from its ']' (rare in text) rather than by a general search. */
const char *find_cdata_end(const char *s, Py_ssize_t n)
{
    const char *end = s + n;
    while (s + 3 <= end) {
        const char *b = memchr(s, ']', (size_t)(end - s - 2));
        if (!b)
            return NULL;
        if (b[1] == ']' && b[2] == '>')
            return b;
        s = b + 1;
    }
    return NULL;
}

/* Decode a text or attribute span into b: references resolved, line ends normalized (\r\n and \r to
 * \n), and in attribute values \t \n \r to a space. Returns 0, 1 when the span is not acceptable, -1
 * on a Python error. The output is never longer than the input, so it is reserved once. */
int decode_span(const char *s, Py_ssize_t n, Buf *b, int attribute)
{
    if (buf_reserve(b, n) < 0)
        return -1;
    char *out = b->data + b->len;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t run = i;
        while (i + 8 <= n) {
            uint64_t v = load64(s + i);
            uint64_t controls = mask_below(v, 0x20);
            if (!attribute)
                controls &= ~mask_equal(v, '\n') & ~mask_equal(v, '\t');
            if (controls | mask_equal(v, '&'))
                break;
            i += 8;
        }
        while (i < n && s[i] != '&' && ((unsigned char)s[i] >= 0x20 || (!attribute && (s[i] == '\n' || s[i] == '\t'))))
            i++;
        memcpy(out, s + run, (size_t)(i - run));
        out += i - run;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c == '&') {
            uint32_t cp;
            Py_ssize_t used = read_reference(s + i, n - i, &cp);
            if (!used)
                return 1;
            out += put_utf8(out, cp);
            i += used;
        } else if (c == '\r') {
            *out++ = attribute ? ' ' : '\n';
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
        } else if (c == '\t' || c == '\n') {
            *out++ = attribute ? ' ' : (char)c;
            i++;
        } else {
            return 1; /* a control character */
        }
    }
    b->len = out - b->data;
    return 0;
}

/* Whether s[0..n) is well-formed UTF-8 made of XML characters (for the spans that are skipped rather
 * than decoded: comments, processing instructions, the DOCTYPE). */
int xml_chars(const char *s, Py_ssize_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (is_control(c))
                return 0;
            p++;
            continue;
        }
        uint32_t cp;
        int more;
        if (c >= 0xC2 && c <= 0xDF) {
            cp = c & 0x1F;
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            cp = c & 0x0F;
            more = 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            cp = c & 0x07;
            more = 3;
        } else {
            return 0;
        }
        if (end - p <= more)
            return 0;
        for (int k = 1; k <= more; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[k] & 0x3F);
        }
        if ((more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || !is_xml_char(cp))
            return 0;
        p += more + 1;
    }
    return 1;
}

/* Append s[0..n) to b with line ends normalized (\r\n and \r to \n): CDATA content, which has no references. */
int put_normalized_lines(Buf *b, const char *s, Py_ssize_t n)
{
    Py_ssize_t run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] != '\r')
            continue;
        if (buf_put(b, s + run, i - run) < 0 || buf_put(b, "\n", 1) < 0)
            return -1;
        run = (i + 1 < n && s[i + 1] == '\n') ? i + 2 : i + 1;
        if (run == i + 2)
            i++;
    }
    return buf_put(b, s + run, n - run);
}
