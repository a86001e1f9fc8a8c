/* _litetree: one pass over a UTF-8 XML feed into a small read-only element tree.
 *
 * Why: building libxml2's tree and then reading it through lxml proxies costs more than the whole
 * feed parse of a compiled feed parser. The feed readers (rss.py, atom.py, fields.py) only use a small
 * part of lxml's element API: tag, text, get(), len(), iteration, indexing, iter(*tags), itertext(),
 * base, and a serialization of an element's content. This module offers exactly that, built in one
 * scan of the bytes, so those readers run unchanged on either tree.
 *
 * It is deliberately narrow. It returns None, and the caller parses with lxml as before, for anything
 * outside plain well-formed namespaced XML: a DOCTYPE, any entity other than XML's five, a control
 * character, a mismatched tag, an undeclared prefix, a duplicate attribute, a non-UTF-8 declaration,
 * content after the root, too deep a tree. lxml stays the reference: a test compares both trees'
 * feeds on every file of the shared corpus.
 *
 * Safety: every read is bounded by the end of the buffer; no recursion on input depth except node
 * deallocation, and depth is capped at MAX_DEPTH.
 */
#define _GNU_SOURCE /* memmem */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 256              /* libxml2's default limit without XML_PARSE_HUGE */
#define MAX_TEXT 10000000          /* libxml2's XML_MAX_TEXT_LENGTH */
#define MAX_NAME 50000             /* libxml2's XML_MAX_NAME_LENGTH */
#define MAX_ATTRS 256
#define CACHE_SIZE 512             /* power of two */

static const char XML_NS[] = "http://www.w3.org/XML/1998/namespace";
static PyObject *urljoin; /* urllib.parse.urljoin, for xml:base */
static PyObject *XML_BASE_KEY; /* "{http://www.w3.org/XML/1998/namespace}base" */

/* ------------------------------------------------------------------------------------------------ */
/* Growable byte buffer                                                                             */

typedef struct {
    char *data;
    Py_ssize_t len, cap;
} Buf;

static int buf_reserve(Buf *b, Py_ssize_t extra)
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

static int buf_put(Buf *b, const char *s, Py_ssize_t n)
{
    if (n == 0)
        return 0; /* s may be NULL then (an empty buffer), and memcpy must not see it */
    if (buf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, s, (size_t)n);
    b->len += n;
    return 0;
}

static void buf_free(Buf *b)
{
    PyMem_Free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Character classes                                                                                */

/* Bytes a text span must look at: '&', '\r', ']' and the C0 controls XML forbids. */
static unsigned char TEXT_SPECIAL[256];
/* Name bytes: ASCII letters, digits, '.', '-', '_', ':' and every non-ASCII byte. */
static unsigned char NAME_CHAR[256];
static unsigned char NAME_START[256];
/* Prefix bytes: what Python's \w matches in ASCII; other prefixes are left to lxml. */
static unsigned char PREFIX_CHAR[256];

static void init_tables(void)
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

static inline int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline int is_control(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
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

/* Scanning eight bytes at a time (SWAR): the loops skip whole words in which no byte needs a look. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Exact per-byte masks (the high bit of each byte that qualifies; no borrow crosses bytes). */
#define LOWS7 0x7F7F7F7F7F7F7F7FULL

static inline uint64_t mask_below(uint64_t v, uint64_t n)
{
    return ~(((v & LOWS7) + ONES * (0x80 - n)) | v) & HIGHS;
}

static inline uint64_t mask_equal(uint64_t v, unsigned char c)
{
    uint64_t x = v ^ (ONES * c);
    return ~(((x & LOWS7) + LOWS7) | x) & HIGHS;
}

/* Bytes of text that need a look: controls other than tab and newline (so '\r' too), '&' and ']'. */
static inline uint64_t text_attention(uint64_t v)
{
    return (mask_below(v, 0x20) & ~mask_equal(v, '\n') & ~mask_equal(v, '\t')) | mask_equal(v, '&') |
           mask_equal(v, ']');
}

/* The first "]]>" in s[0..n), found from its ']' (rare in text) rather than by a general search. */
static const char *find_cdata_end(const char *s, Py_ssize_t n)
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
static int decode_span(const char *s, Py_ssize_t n, Buf *b, int attribute)
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
static int xml_chars(const char *s, Py_ssize_t n)
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

/* ------------------------------------------------------------------------------------------------ */
/* The element type                                                                                 */

typedef struct {
    PyObject_HEAD
    PyObject *tag;      /* str: "{namespace}local" or "local" */
    PyObject *text;     /* str or NULL */
    PyObject *tail;     /* str or NULL */
    PyObject *attrib;   /* dict or NULL */
    PyObject *children; /* list or NULL */
    PyObject *source;   /* the document's bytes, for inner_xml() */
    PyObject *base;     /* the base URL (xml:base resolved against the document URL), or None */
    Py_ssize_t start;   /* content: source[start:end] */
    Py_ssize_t end;
} Element;

static PyTypeObject ElementType;

static void element_dealloc(Element *self)
{
    Py_XDECREF(self->tag);
    Py_XDECREF(self->text);
    Py_XDECREF(self->tail);
    Py_XDECREF(self->attrib);
    Py_XDECREF(self->children);
    Py_XDECREF(self->source);
    Py_XDECREF(self->base);
    PyObject_Free(self);
}

static Py_ssize_t element_len(Element *self)
{
    return self->children ? PyList_GET_SIZE(self->children) : 0;
}

static PyObject *element_item(Element *self, Py_ssize_t index)
{
    Py_ssize_t size = element_len(self);
    if (index < 0 || index >= size) {
        PyErr_SetString(PyExc_IndexError, "child index out of range");
        return NULL;
    }
    PyObject *child = PyList_GET_ITEM(self->children, index);
    Py_INCREF(child);
    return child;
}

static PyObject *element_iter(Element *self)
{
    if (self->children)
        return PyObject_GetIter(self->children);
    PyObject *empty = PyTuple_New(0);
    if (!empty)
        return NULL;
    PyObject *it = PyObject_GetIter(empty);
    Py_DECREF(empty);
    return it;
}

static PyObject *element_get(Element *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get(key, default=None)");
        return NULL;
    }
    PyObject *fallback = nargs == 2 ? args[1] : Py_None;
    if (self->attrib) {
        PyObject *value = PyDict_GetItemWithError(self->attrib, args[0]);
        if (value) {
            Py_INCREF(value);
            return value;
        }
        if (PyErr_Occurred())
            return NULL;
    }
    Py_INCREF(fallback);
    return fallback;
}

/* Whether `tag` matches `pattern`: equal, or pattern "{*}local" and tag's local part is local. */
static int tag_matches(PyObject *tag, PyObject *pattern)
{
    if (tag == pattern)
        return 1;
    Py_ssize_t plen = PyUnicode_GET_LENGTH(pattern);
    if (plen > 3 && PyUnicode_READ_CHAR(pattern, 0) == '{' && PyUnicode_READ_CHAR(pattern, 1) == '*' &&
        PyUnicode_READ_CHAR(pattern, 2) == '}') {
        Py_ssize_t tlen = PyUnicode_GET_LENGTH(tag);
        Py_ssize_t local = plen - 3;
        if (tlen < local)
            return 0;
        PyObject *suffix = PyUnicode_Substring(pattern, 3, plen);
        if (!suffix)
            return -1;
        int ends = (int)PyUnicode_Tailmatch(tag, suffix, 0, PY_SSIZE_T_MAX, 1);
        Py_DECREF(suffix);
        if (ends != 1)
            return ends < 0 ? -1 : 0;
        return tlen == local || PyUnicode_READ_CHAR(tag, tlen - local - 1) == '}';
    }
    int equal = PyUnicode_Compare(tag, pattern);
    if (equal == -1 && PyErr_Occurred())
        return -1;
    return equal == 0;
}

static int collect(Element *el, PyObject *const *tags, Py_ssize_t ntags, PyObject *out)
{
    int take = ntags == 0;
    for (Py_ssize_t i = 0; i < ntags && !take; i++) {
        int m = tag_matches(el->tag, tags[i]);
        if (m < 0)
            return -1;
        take = m;
    }
    if (take && PyList_Append(out, (PyObject *)el) < 0)
        return -1;
    Py_ssize_t n = element_len(el);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (collect((Element *)PyList_GET_ITEM(el->children, i), tags, ntags, out) < 0)
            return -1;
    }
    return 0;
}

/* iter(*tags): this element and its descendants in document order, as a list. */
static PyObject *element_iter_tags(Element *self, PyObject *const *args, Py_ssize_t nargs)
{
    for (Py_ssize_t i = 0; i < nargs; i++) {
        if (!PyUnicode_Check(args[i])) {
            PyErr_SetString(PyExc_TypeError, "iter() takes tag names (str)");
            return NULL;
        }
    }
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    if (collect(self, args, nargs, out) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

static int collect_text(Element *el, PyObject *out, int with_tail)
{
    if (el->text && PyList_Append(out, el->text) < 0)
        return -1;
    Py_ssize_t n = element_len(el);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (collect_text((Element *)PyList_GET_ITEM(el->children, i), out, 1) < 0)
            return -1;
    }
    if (with_tail && el->tail && PyList_Append(out, el->tail) < 0)
        return -1;
    return 0;
}

/* itertext(): the text inside this element (its own text, its descendants' text and tails), as a list. */
static PyObject *element_itertext(Element *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    if (collect_text(self, out, 0) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* sort_children(table, n): the children sorted into slots by tag, the way the feed readers want them.
 * table maps tags to ints; a child whose tag is not in it is skipped. Slots below n keep their first
 * child (a list of n entries, None where no child came), the others keep every child in order (a dict
 * slot -> list, or None when there was none). fields.sort_children does the same for lxml elements. */
static PyObject *element_sort_children(Element *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyDict_Check(args[0]) || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "sort_children(table: dict, n: int)");
        return NULL;
    }
    PyObject *table = args[0];
    Py_ssize_t n = PyLong_AsSsize_t(args[1]);
    if (n < 0 || n > 1024) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "sort_children: n out of range");
        return NULL;
    }
    PyObject *first = PyList_New(n);
    if (!first)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(first, i, Py_None);
    }
    PyObject *many = NULL;
    Py_ssize_t count = element_len(self);
    for (Py_ssize_t i = 0; i < count; i++) {
        Element *child = (Element *)PyList_GET_ITEM(self->children, i);
        PyObject *slot = PyDict_GetItemWithError(table, child->tag);
        if (!slot) {
            if (PyErr_Occurred())
                goto fail;
            continue;
        }
        Py_ssize_t index = PyLong_AsSsize_t(slot);
        if (index == -1 && PyErr_Occurred())
            goto fail;
        if (index >= 0 && index < n) {
            if (PyList_GET_ITEM(first, index) == Py_None) {
                Py_INCREF(child);
                Py_SETREF(PyList_GET_ITEM(first, index), (PyObject *)child);
            }
            continue;
        }
        if (!many && !(many = PyDict_New()))
            goto fail;
        PyObject *list = PyDict_GetItemWithError(many, slot);
        if (!list) {
            if (PyErr_Occurred())
                goto fail;
            list = PyList_New(0);
            if (!list)
                goto fail;
            int set = PyDict_SetItem(many, slot, list);
            Py_DECREF(list);
            if (set < 0)
                goto fail;
        }
        if (PyList_Append(list, (PyObject *)child) < 0)
            goto fail;
    }
    return Py_BuildValue("(NN)", first, many ? many : (Py_INCREF(Py_None), Py_None));
fail:
    Py_DECREF(first);
    Py_XDECREF(many);
    return NULL;
}

static PyObject *element_inner_xml(Element *self, PyObject *Py_UNUSED(ignored));

static PyObject *get_tag(Element *self, void *closure)
{
    Py_INCREF(self->tag);
    return self->tag;
}

static PyObject *get_text(Element *self, void *closure)
{
    PyObject *value = self->text ? self->text : Py_None;
    Py_INCREF(value);
    return value;
}

static PyObject *get_tail(Element *self, void *closure)
{
    PyObject *value = self->tail ? self->tail : Py_None;
    Py_INCREF(value);
    return value;
}

static PyObject *get_attrib(Element *self, void *closure)
{
    if (self->attrib)
        return PyDict_Copy(self->attrib);
    return PyDict_New();
}

static PyObject *get_base(Element *self, void *closure)
{
    Py_INCREF(self->base);
    return self->base;
}

static PyGetSetDef element_getset[] = {
    {"tag", (getter)get_tag, NULL, "Tag in Clark notation.", NULL},
    {"text", (getter)get_text, NULL, "Text before the first child, or None.", NULL},
    {"tail", (getter)get_tail, NULL, "Text after this element's end tag, or None.", NULL},
    {"attrib", (getter)get_attrib, NULL, "A copy of the attributes (Clark-notation keys).", NULL},
    {"base", (getter)get_base, NULL, "The base URL: xml:base values resolved down to here, else the document URL.", NULL},
    {NULL},
};

static PyMethodDef element_methods[] = {
    {"get", (PyCFunction)(void (*)(void))element_get, METH_FASTCALL, "get(key, default=None)"},
    {"iter", (PyCFunction)(void (*)(void))element_iter_tags, METH_FASTCALL,
     "iter(*tags): matching elements, this one included, in document order ('{*}name' matches any namespace)."},
    {"itertext", (PyCFunction)element_itertext, METH_NOARGS, "The text pieces inside this element."},
    {"sort_children", (PyCFunction)(void (*)(void))element_sort_children, METH_FASTCALL,
     "sort_children(table, n) -> (first child per slot below n, {slot: [children]} or None)."},
    {"inner_xml", (PyCFunction)element_inner_xml, METH_NOARGS,
     "The element's content serialized the way lxml's tostring() writes it (namespace declarations left out)."},
    {NULL},
};

static PySequenceMethods element_as_sequence = {
    .sq_length = (lenfunc)element_len,
    .sq_item = (ssizeargfunc)element_item,
};

static PyObject *element_repr(Element *self)
{
    return PyUnicode_FromFormat("<litetree.Element %R>", self->tag);
}

static PyTypeObject ElementType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "newsdesk.reader.feeds._litetree.Element",
    .tp_basicsize = sizeof(Element),
    .tp_dealloc = (destructor)element_dealloc,
    .tp_repr = (reprfunc)element_repr,
    .tp_as_sequence = &element_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A read-only XML element (the subset of lxml's API the feed readers use).",
    .tp_iter = (getiterfunc)element_iter,
    .tp_methods = element_methods,
    .tp_getset = element_getset,
};

/* ------------------------------------------------------------------------------------------------ */
/* The parser                                                                                       */

typedef struct {
    const char *prefix; /* into the source; NULL with plen 0 for the default namespace */
    Py_ssize_t plen;
    PyObject *uri;      /* borrowed from Parser.uris; NULL: no namespace */
} Binding;

typedef struct {
    Element *el;
    const char *qname;
    Py_ssize_t qlen;
    Py_ssize_t bindings; /* height of the binding stack before this element's declarations */
} Frame;

typedef struct {
    PyObject *uri;
    const char *local;
    Py_ssize_t llen;
    PyObject *tag;
} CacheEntry;

/* Whitespace-only text (the indentation between elements: half of all text nodes in real feeds) is
 * shared: one str per distinct run, not one per node. */
#define WS_CACHE 64
#define WS_MAX 64
typedef struct {
    Py_ssize_t len;
    char bytes[WS_MAX];
    PyObject *str;
} WsEntry;

typedef struct {
    const char *qname, *value;
    Py_ssize_t qlen, vlen;
    int plain; /* value has no reference, tab, newline or carriage return */
} RawAttr;

typedef struct {
    const char *src;
    Py_ssize_t size;
    PyObject *source;
    PyObject *base;
    PyObject *uris; /* dict: uri -> the one str object used for it */
    Binding *bindings;
    Py_ssize_t nbindings, capbindings;
    Frame frames[MAX_DEPTH + 1];
    Py_ssize_t depth;
    CacheEntry cache[CACHE_SIZE];
    Py_ssize_t cached;
    /* Pending character data: a span of the source, or (after a second piece) a copy in `text`. */
    const char *pend;
    Py_ssize_t pend_len;
    int pend_state; /* 0 none, 1 span, 2 buffer */
    Buf text;
    Buf scratch;
    RawAttr attrs[MAX_ATTRS];
    Element *root;
    int xml_base; /* an xml:base attribute was seen */
    WsEntry whitespace[WS_CACHE];
} Parser;

/* Result of a parsing step: OK, REFUSE (not for us: return None), ERROR (a Python exception is set). */
enum { OK = 0, REFUSE = 1, ERROR = -1 };

static PyObject *decode(const char *s, Py_ssize_t n, int *status)
{
    PyObject *value = PyUnicode_DecodeUTF8(s, n, NULL);
    if (!value) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear();
            *status = REFUSE;
        } else {
            *status = ERROR;
        }
    }
    return value;
}

static PyObject *cached_name(Parser *P, PyObject *uri, const char *local, Py_ssize_t llen, int *status)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)uri;
    for (Py_ssize_t i = 0; i < llen; i++)
        h = (h ^ (unsigned char)local[i]) * 1099511628211ULL;
    size_t slot = (size_t)(h & (CACHE_SIZE - 1));
    for (int probe = 0; probe < CACHE_SIZE; probe++) {
        CacheEntry *e = &P->cache[slot];
        if (!e->tag)
            break;
        if (e->uri == uri && e->llen == llen && memcmp(e->local, local, (size_t)llen) == 0) {
            Py_INCREF(e->tag);
            return e->tag;
        }
        slot = (slot + 1) & (CACHE_SIZE - 1);
    }
    PyObject *name;
    if (!uri) {
        name = decode(local, llen, status);
    } else {
        Py_ssize_t ulen;
        const char *u = PyUnicode_AsUTF8AndSize(uri, &ulen);
        if (!u) {
            *status = ERROR;
            return NULL;
        }
        P->scratch.len = 0;
        if (buf_put(&P->scratch, "{", 1) < 0 || buf_put(&P->scratch, u, ulen) < 0 ||
            buf_put(&P->scratch, "}", 1) < 0 || buf_put(&P->scratch, local, llen) < 0) {
            *status = ERROR;
            return NULL;
        }
        name = decode(P->scratch.data, P->scratch.len, status);
    }
    if (!name)
        return NULL;
    if (P->cached < CACHE_SIZE * 3 / 4) {
        CacheEntry *e = &P->cache[slot];
        if (!e->tag) {
            e->uri = uri;
            e->local = local;
            e->llen = llen;
            e->tag = name;
            Py_INCREF(name);
            P->cached++;
        }
    }
    return name;
}

/* Append a piece of character data (already checked) to the pending text. */
static int pend_span(Parser *P, const char *s, Py_ssize_t n)
{
    if (n == 0)
        return OK;
    if (P->pend_state == 0) {
        P->pend = s;
        P->pend_len = n;
        P->pend_state = 1;
        return OK;
    }
    if (P->pend_state == 1) {
        P->text.len = 0;
        if (buf_put(&P->text, P->pend, P->pend_len) < 0)
            return ERROR;
        P->pend_state = 2;
    }
    return buf_put(&P->text, s, n) < 0 ? ERROR : OK;
}

/* Switch pending text to the buffer (for pieces that need decoding). */
static int pend_to_buffer(Parser *P)
{
    if (P->pend_state == 2)
        return OK;
    P->text.len = 0;
    if (P->pend_state == 1 && buf_put(&P->text, P->pend, P->pend_len) < 0)
        return ERROR;
    P->pend_state = 2;
    return OK;
}

/* The shared str for a whitespace-only run (a new reference), or NULL with *status OK when s is not one. */
static PyObject *shared_whitespace(Parser *P, const char *s, Py_ssize_t n, int *status)
{
    size_t h = (size_t)n;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            return NULL;
        h = h * 31 + c;
    }
    WsEntry *e = &P->whitespace[h & (WS_CACHE - 1)];
    if (e->str && e->len == n && memcmp(e->bytes, s, (size_t)n) == 0) {
        Py_INCREF(e->str);
        return e->str;
    }
    PyObject *value = decode(s, n, status);
    if (!value)
        return NULL;
    Py_XSETREF(e->str, value);
    Py_INCREF(value);
    e->len = n;
    memcpy(e->bytes, s, (size_t)n);
    return value;
}

/* Give the pending text to the current element: its text if it has no child yet, else its last child's tail. */
static int flush_text(Parser *P)
{
    if (P->pend_state == 0)
        return OK;
    const char *s = P->pend_state == 1 ? P->pend : P->text.data;
    Py_ssize_t n = P->pend_state == 1 ? P->pend_len : P->text.len;
    P->pend_state = 0;
    if (n == 0)
        return OK;
    if (n > MAX_TEXT)
        return REFUSE;
    int status = OK;
    PyObject *value = n <= WS_MAX ? shared_whitespace(P, s, n, &status) : NULL;
    if (!value && status == OK)
        value = decode(s, n, &status);
    if (!value)
        return status;
    Element *parent = P->frames[P->depth - 1].el;
    if (parent->children && PyList_GET_SIZE(parent->children)) {
        Element *last = (Element *)PyList_GET_ITEM(parent->children, PyList_GET_SIZE(parent->children) - 1);
        last->tail = value;
    } else {
        parent->text = value;
    }
    return OK;
}

/* Character data between tags, s[0..n). */
static int text_data(Parser *P, const char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    int special = 0;
    while (i < n && !special) {
        while (i + 8 <= n && !text_attention(load64(s + i)))
            i += 8;
        Py_ssize_t stop = i + 8 < n ? i + 8 : n;
        for (; i < stop; i++) {
            unsigned char c = (unsigned char)s[i];
            if (!TEXT_SPECIAL[c])
                continue;
            if (c == ']') {
                if (i + 2 < n && s[i + 1] == ']' && s[i + 2] == '>')
                    return REFUSE;
            } else if (c == '&' || c == '\r') {
                special = 1; /* decode_span checks the rest for controls */
                break;
            } else {
                return REFUSE; /* control character */
            }
        }
    }
    if (special && find_cdata_end(s + i, n - i))
        return REFUSE; /* "]]>" in text */
    if (P->depth == 0) {
        for (Py_ssize_t k = 0; k < n; k++)
            if (!is_space((unsigned char)s[k]))
                return REFUSE; /* text outside the root */
        return OK;
    }
    if (!special)
        return pend_span(P, s, n);
    if (pend_to_buffer(P) < 0)
        return ERROR;
    int status = decode_span(s, n, &P->text, 0);
    return status < 0 ? ERROR : status;
}

/* CDATA content s[0..n) (strip_cdata: it becomes text). */
static int cdata_data(Parser *P, const char *s, Py_ssize_t n)
{
    int cr = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t v = load64(s + i);
            if (mask_below(v, 0x20) & ~mask_equal(v, '\n') & ~mask_equal(v, '\t'))
                break;
            i += 8;
        }
        Py_ssize_t stop = i + 8 < n ? i + 8 : n;
        for (; i < stop; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20) {
                if (c == '\r')
                    cr = 1;
                else if (is_control(c))
                    return REFUSE;
            }
        }
    }
    if (!cr)
        return pend_span(P, s, n);
    if (pend_to_buffer(P) < 0)
        return ERROR;
    Py_ssize_t run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] != '\r')
            continue;
        if (buf_put(&P->text, s + run, i - run) < 0 || buf_put(&P->text, "\n", 1) < 0)
            return ERROR;
        run = (i + 1 < n && s[i + 1] == '\n') ? i + 2 : i + 1;
        if (run == i + 2)
            i++;
    }
    return buf_put(&P->text, s + run, n - run) < 0 ? ERROR : OK;
}

/* Read a name at p; returns its end, or NULL when there is none. */
static const char *read_name(const char *p, const char *end)
{
    if (p >= end || !NAME_START[(unsigned char)*p])
        return NULL;
    const char *q = p + 1;
    while (q < end && NAME_CHAR[(unsigned char)*q])
        q++;
    if (q - p > MAX_NAME)
        return NULL;
    return q;
}

/* Split a qname; returns the prefix length (0 without prefix), or -1 when it is not a valid QName for us. */
static Py_ssize_t split_qname(const char *q, Py_ssize_t n)
{
    const char *colon = memchr(q, ':', (size_t)n);
    if (!colon)
        return 0;
    Py_ssize_t plen = colon - q;
    if (plen == 0 || plen == n - 1 || memchr(colon + 1, ':', (size_t)(n - plen - 1)))
        return -1;
    for (Py_ssize_t i = 0; i < plen; i++)
        if (!PREFIX_CHAR[(unsigned char)q[i]])
            return -1;
    if (!NAME_START[(unsigned char)colon[1]])
        return -1;
    return plen;
}

static PyObject *lookup_ns(Parser *P, const char *prefix, Py_ssize_t plen, int *found)
{
    for (Py_ssize_t i = P->nbindings - 1; i >= 0; i--) {
        Binding *b = &P->bindings[i];
        if (b->plen == plen && (plen == 0 || memcmp(b->prefix, prefix, (size_t)plen) == 0)) {
            *found = 1;
            return b->uri;
        }
    }
    *found = 0;
    return NULL;
}

static int push_binding(Parser *P, const char *prefix, Py_ssize_t plen, PyObject *uri)
{
    if (P->nbindings == P->capbindings) {
        Py_ssize_t cap = P->capbindings ? P->capbindings * 2 : 32;
        Binding *b = PyMem_Realloc(P->bindings, (size_t)cap * sizeof(Binding));
        if (!b) {
            PyErr_NoMemory();
            return ERROR;
        }
        P->bindings = b;
        P->capbindings = cap;
    }
    P->bindings[P->nbindings++] = (Binding){prefix, plen, uri};
    return OK;
}

static int is_hex(Py_UCS4 c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 character classes, for the URIs libxml2 checks (namespace names and xml:base). */
static int uri_plain_char(Py_UCS4 c) /* unreserved and sub-delims */
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c < 0x80 && c && strchr("-._~!$&'()*+,;=", (int)c));
}

/* Whether a str is a URI reference libxml2 would parse: an optional valid scheme, an optional authority
 * ([userinfo@]host[:digits], no IP literals), then path, query and fragment of RFC 3986 characters
 * (percent signs followed by two hex digits). Stricter than libxml2 at the edges, never looser: a
 * refusal only sends the document to lxml. */
static int plain_uri(PyObject *value)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(value), i = 0;
    /* The scheme, if the first ':' comes before any '/', '?' or '#'. */
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(value, k);
        if (c == '/' || c == '?' || c == '#')
            break;
        if (c == ':') {
            if (k == 0)
                return 0;
            for (Py_ssize_t j = 0; j < k; j++) {
                Py_UCS4 d = PyUnicode_READ_CHAR(value, j);
                int alpha = (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z');
                if (!(alpha || (j > 0 && ((d >= '0' && d <= '9') || d == '+' || d == '-' || d == '.'))))
                    return 0;
            }
            i = k + 1;
            break;
        }
    }
    if (i + 1 < n && PyUnicode_READ_CHAR(value, i) == '/' && PyUnicode_READ_CHAR(value, i + 1) == '/') {
        i += 2;
        Py_ssize_t colon = -1;
        for (; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(value, i);
            if (c == '/' || c == '?' || c == '#')
                break;
            if (c == '@' && colon < 0)
                continue; /* userinfo ends here (a userinfo colon would have been taken for a port) */
            if (c == ':') {
                if (colon >= 0)
                    return 0;
                colon = i;
                continue;
            }
            if (colon >= 0 && !(c >= '0' && c <= '9'))
                return 0; /* the port is digits */
            if (c == '%') {
                if (i + 2 >= n || !is_hex(PyUnicode_READ_CHAR(value, i + 1)) ||
                    !is_hex(PyUnicode_READ_CHAR(value, i + 2)))
                    return 0;
                continue;
            }
            if (!uri_plain_char(c))
                return 0;
        }
        if (colon >= 0 && colon == i - 1)
            return 0; /* "host:" with an empty port */
    }
    int fragment = 0;
    for (; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(value, i);
        if (c == '%') {
            if (i + 2 >= n || !is_hex(PyUnicode_READ_CHAR(value, i + 1)) || !is_hex(PyUnicode_READ_CHAR(value, i + 2)))
                return 0;
            continue;
        }
        if (c == '#') {
            if (fragment)
                return 0;
            fragment = 1;
            continue;
        }
        if (!(uri_plain_char(c) || c == ':' || c == '@' || c == '/' || c == '?'))
            return 0;
    }
    return 1;
}

/* Whether urljoin() and libxml2 resolve this base (or against this base) the same way: an absolute
 * http(s) URL or a relative path (not "//host"), non-empty, without query, fragment or dot segments. */
static int simple_base(PyObject *value)
{
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(value, &n);
    if (!u) {
        PyErr_Clear();
        return 0;
    }
    if (n == 0 || memchr(u, '?', (size_t)n) || memchr(u, '#', (size_t)n))
        return 0;
    const char *path = u;
    if (n >= 7 && memcmp(u, "http://", 7) == 0)
        path = u + 7;
    else if (n >= 8 && memcmp(u, "https://", 8) == 0)
        path = u + 8;
    else if (memchr(u, ':', (size_t)n) || (n >= 2 && u[0] == '/' && u[1] == '/'))
        return 0;
    if (path != u && !(path < u + n && ((*path >= 'a' && *path <= 'z') || (*path >= 'A' && *path <= 'Z') ||
                                        (*path >= '0' && *path <= '9'))))
        return 0; /* an absolute URL starts its host with a letter or digit ("https:///x" is not one) */
    /* No "." or ".." segment anywhere. */
    const char *end = u + n, *seg = path;
    while (seg <= end) {
        const char *slash = memchr(seg, '/', (size_t)(end - seg));
        const char *stop = slash ? slash : end;
        Py_ssize_t len = stop - seg;
        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        if (!slash)
            break;
        seg = slash + 1;
    }
    return 1;
}

/* The attribute value as a str (references resolved, whitespace normalized). */
static PyObject *attr_value(Parser *P, RawAttr *a, int *status)
{
    if (a->plain)
        return decode(a->value, a->vlen, status);
    P->scratch.len = 0;
    int s = decode_span(a->value, a->vlen, &P->scratch, 1);
    if (s != OK) {
        *status = s < 0 ? ERROR : REFUSE;
        return NULL;
    }
    return decode(P->scratch.data, P->scratch.len, status);
}

/* An interned namespace URI (one object per distinct URI), or NULL for "" (no namespace). */
static PyObject *namespace_uri(Parser *P, RawAttr *a, int *status)
{
    for (Py_ssize_t i = 0; i < a->vlen; i++) {
        if (is_space((unsigned char)a->value[i])) {
            *status = REFUSE; /* a URI broken over lines: lxml's repair path joins it */
            return NULL;
        }
    }
    PyObject *value = attr_value(P, a, status);
    if (!value)
        return NULL;
    if (PyUnicode_GET_LENGTH(value) == 0) {
        Py_DECREF(value);
        *status = OK;
        return NULL;
    }
    if (!plain_uri(value)) {
        Py_DECREF(value);
        *status = REFUSE; /* libxml2 refuses a namespace name that is not a URI */
        return NULL;
    }
    PyObject *known = PyDict_SetDefault(P->uris, value, value);
    Py_DECREF(value);
    if (!known)
        *status = ERROR;
    return known; /* borrowed: the dict keeps it alive */
}

static int declare_namespaces(Parser *P, Py_ssize_t nattrs)
{
    for (Py_ssize_t i = 0; i < nattrs; i++) {
        RawAttr *a = &P->attrs[i];
        if (a->qlen < 5 || memcmp(a->qname, "xmlns", 5) != 0)
            continue;
        if (a->qlen == 5) {
            int status = OK;
            PyObject *uri = namespace_uri(P, a, &status);
            if (status != OK)
                return status;
            if (push_binding(P, NULL, 0, uri) < 0)
                return ERROR;
        } else if (a->qname[5] == ':') {
            const char *prefix = a->qname + 6;
            Py_ssize_t plen = a->qlen - 6;
            int status = OK;
            PyObject *uri = namespace_uri(P, a, &status);
            if (status != OK)
                return status;
            if (!uri || plen == 0 || !NAME_START[(unsigned char)prefix[0]])
                return REFUSE; /* xmlns:p="" is not allowed in XML 1.0; "xmlns:" is no declaration */
            for (Py_ssize_t k = 0; k < plen; k++)
                if (!PREFIX_CHAR[(unsigned char)prefix[k]])
                    return REFUSE; /* a prefix split_qname would refuse anyway (and not decoded here) */
            if (plen == 5 && memcmp(prefix, "xmlns", 5) == 0)
                return REFUSE;
            if (plen == 3 && memcmp(prefix, "xml", 3) == 0) {
                if (PyUnicode_CompareWithASCIIString(uri, XML_NS) != 0)
                    return REFUSE;
                continue;
            }
            if (push_binding(P, prefix, plen, uri) < 0)
                return ERROR;
        }
    }
    return OK;
}

static int is_declaration(RawAttr *a)
{
    return a->qlen >= 5 && memcmp(a->qname, "xmlns", 5) == 0 && (a->qlen == 5 || a->qname[5] == ':');
}

/* Parse a start tag at p (p[0] == '<'); on success *next is past its '>'. */
static int start_tag(Parser *P, const char *p, const char **next)
{
    const char *end = P->src + P->size;
    const char *qname = p + 1;
    const char *q = read_name(qname, end);
    if (!q)
        return REFUSE;
    Py_ssize_t qlen = q - qname;
    Py_ssize_t nattrs = 0;
    int empty = 0;
    for (;;) {
        const char *before = q;
        while (q < end && is_space((unsigned char)*q))
            q++;
        if (q >= end)
            return REFUSE;
        if (*q == '>') {
            q++;
            break;
        }
        if (*q == '/') {
            if (q + 1 >= end || q[1] != '>')
                return REFUSE;
            q += 2;
            empty = 1;
            break;
        }
        if (q == before || nattrs == MAX_ATTRS)
            return REFUSE; /* attributes must be separated by whitespace */
        RawAttr *a = &P->attrs[nattrs];
        a->qname = q;
        q = read_name(q, end);
        if (!q)
            return REFUSE;
        a->qlen = q - a->qname;
        while (q < end && is_space((unsigned char)*q))
            q++;
        if (q >= end || *q != '=')
            return REFUSE;
        q++;
        while (q < end && is_space((unsigned char)*q))
            q++;
        if (q >= end || (*q != '"' && *q != '\''))
            return REFUSE;
        const char *close = memchr(q + 1, *q, (size_t)(end - q - 1));
        if (!close)
            return REFUSE;
        a->value = q + 1;
        a->vlen = close - a->value;
        a->plain = 1;
        for (Py_ssize_t i = 0; i < a->vlen; i++) {
            unsigned char c = (unsigned char)a->value[i];
            if (c == '<')
                return REFUSE;
            if (c == '&' || c < 0x20)
                a->plain = 0;
        }
        q = close + 1;
        nattrs++;
    }
    if (P->depth == 0 && P->root)
        return REFUSE; /* a second root */
    if (P->depth >= MAX_DEPTH)
        return REFUSE;
    int status = flush_text(P);
    if (status != OK)
        return status;

    Py_ssize_t height = P->nbindings;
    status = declare_namespaces(P, nattrs);
    if (status != OK)
        return status;
    Py_ssize_t plen = split_qname(qname, qlen);
    if (plen < 0 || (plen == 5 && memcmp(qname, "xmlns", 5) == 0))
        return REFUSE;
    int found;
    PyObject *uri = lookup_ns(P, qname, plen, &found);
    if (plen && !found)
        return REFUSE; /* undeclared prefix: lxml's repair path declares it */
    const char *local = plen ? qname + plen + 1 : qname;
    Py_ssize_t llen = plen ? qlen - plen - 1 : qlen;

    Element *el = PyObject_New(Element, &ElementType);
    if (!el)
        return ERROR;
    el->tag = el->text = el->tail = el->attrib = el->children = NULL;
    el->source = P->source;
    Py_INCREF(el->source);
    el->base = P->depth ? P->frames[P->depth - 1].el->base : P->base;
    Py_INCREF(el->base);
    el->start = el->end = q - P->src;
    /* Attach first, so that the element is owned (and freed) by the tree whatever happens next. */
    if (P->depth == 0) {
        P->root = el;
    } else {
        Element *parent = P->frames[P->depth - 1].el;
        if (!parent->children && !(parent->children = PyList_New(0))) {
            Py_DECREF(el);
            return ERROR;
        }
        int appended = PyList_Append(parent->children, (PyObject *)el);
        Py_DECREF(el);
        if (appended < 0)
            return ERROR;
    }
    el->tag = cached_name(P, uri, local, llen, &status);
    if (!el->tag)
        return status;

    for (Py_ssize_t i = 0; i < nattrs; i++) {
        RawAttr *a = &P->attrs[i];
        if (is_declaration(a))
            continue;
        Py_ssize_t aplen = split_qname(a->qname, a->qlen);
        if (aplen < 0)
            return REFUSE;
        PyObject *auri = NULL;
        if (aplen) {
            if (aplen == 3 && memcmp(a->qname, "xml", 3) == 0) {
                auri = PyDict_GetItemString(P->uris, XML_NS);
            } else {
                auri = lookup_ns(P, a->qname, aplen, &found);
                if (!found || !auri)
                    return REFUSE;
            }
        }
        PyObject *key = cached_name(P, auri, aplen ? a->qname + aplen + 1 : a->qname,
                                    aplen ? a->qlen - aplen - 1 : a->qlen, &status);
        if (!key)
            return status;
        PyObject *value = attr_value(P, a, &status);
        if (!value) {
            Py_DECREF(key);
            return status;
        }
        if (!el->attrib && !(el->attrib = PyDict_New())) {
            Py_DECREF(key);
            Py_DECREF(value);
            return ERROR;
        }
        int dup = PyDict_Contains(el->attrib, key);
        int set = dup == 0 ? PyDict_SetItem(el->attrib, key, value) : 0;
        Py_DECREF(key);
        Py_DECREF(value);
        if (dup < 0 || set < 0)
            return ERROR;
        if (dup)
            return REFUSE; /* a duplicate attribute: not well-formed */
    }
    if (el->attrib) {
        PyObject *xml_base = PyDict_GetItemWithError(el->attrib, XML_BASE_KEY);
        if (xml_base) {
            P->xml_base = 1;
            if (!plain_uri(xml_base) || !simple_base(xml_base) || !(el->base == Py_None || simple_base(el->base)))
                return REFUSE; /* outside the cases where urljoin and libxml2 agree: lxml decides */
            /* What lxml's .base gives: this value resolved against the parent's base (libxml2 walks the
             * ancestors the other way round; the result is the same chain of resolutions). */
            PyObject *joined = el->base == Py_None ? (Py_INCREF(xml_base), xml_base)
                                                   : PyObject_CallFunctionObjArgs(urljoin, el->base, xml_base, NULL);
            if (!joined)
                return ERROR;
            Py_SETREF(el->base, joined);
        } else if (PyErr_Occurred()) {
            return ERROR;
        }
    }

    if (empty) {
        P->nbindings = height;
    } else {
        Frame *f = &P->frames[P->depth++];
        f->el = el;
        f->qname = qname;
        f->qlen = qlen;
        f->bindings = height;
    }
    *next = q;
    return OK;
}

static int end_tag(Parser *P, const char *p, const char **next)
{
    const char *end = P->src + P->size;
    const char *qname = p + 2;
    const char *q = read_name(qname, end);
    if (!q || P->depth == 0)
        return REFUSE;
    Frame *f = &P->frames[P->depth - 1];
    if (q - qname != f->qlen || memcmp(qname, f->qname, (size_t)f->qlen) != 0)
        return REFUSE;
    while (q < end && is_space((unsigned char)*q))
        q++;
    if (q >= end || *q != '>')
        return REFUSE;
    int status = flush_text(P);
    if (status != OK)
        return status;
    f->el->end = p - P->src;
    P->nbindings = f->bindings;
    P->depth--;
    *next = q + 1;
    return OK;
}

/* A comment at p ("<!--"): the first "--" must close it. */
static const char *skip_comment(const char *p, const char *end)
{
    const char *s = p + 4;
    if (s > end)
        return NULL;
    const char *dashes = memmem(s, (size_t)(end - s), "--", 2);
    if (!dashes || dashes + 2 >= end || dashes[2] != '>')
        return NULL;
    return dashes + 3;
}

/* A processing instruction at p ("<?"); XML declarations are only accepted by the caller at the start. */
static const char *skip_pi(const char *p, const char *end)
{
    const char *target = p + 2;
    const char *q = read_name(target, end);
    if (!q)
        return NULL;
    if (q - target == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' && (target[2] | 0x20) == 'l')
        return NULL;
    if (memchr(target, ':', (size_t)(q - target)))
        return NULL;
    if (q < end && !is_space((unsigned char)*q) && !(q + 1 < end && q[0] == '?' && q[1] == '>'))
        return NULL; /* the target is followed by a space or by "?>" */
    const char *close = memmem(q, (size_t)(end - q), "?>", 2);
    return close ? close + 2 : NULL;
}

/* The XML declaration at the very start, read strictly: version="1.0", then optionally an encoding,
 * which must be UTF-8, then optionally standalone="yes|no". */
static const char *skip_declaration(const char *p, const char *end)
{
    static const char *const names[] = {"version", "encoding", "standalone"};
    const char *close = memmem(p, (size_t)(end - p), "?>", 2);
    if (!close)
        return NULL;
    const char *q = p + 5;
    int next = 0; /* the first pseudo-attribute still allowed */
    for (;;) {
        const char *before = q;
        while (q < close && is_space((unsigned char)*q))
            q++;
        if (q == close)
            break;
        if (q == before)
            return NULL;
        const char *name = q;
        while (q < close && *q >= 'a' && *q <= 'z')
            q++;
        size_t len = (size_t)(q - name);
        int which = -1;
        for (int k = next; k < 3; k++) {
            if (len == strlen(names[k]) && memcmp(name, names[k], len) == 0) {
                which = k;
                break;
            }
        }
        if (which < 0 || (next == 0 && which != 0))
            return NULL;
        next = which + 1;
        while (q < close && is_space((unsigned char)*q))
            q++;
        if (q >= close || *q != '=')
            return NULL;
        q++;
        while (q < close && is_space((unsigned char)*q))
            q++;
        if (q >= close || (*q != '"' && *q != '\''))
            return NULL;
        const char *value = q + 1;
        const char *stop = memchr(value, *q, (size_t)(close - value));
        if (!stop)
            return NULL;
        size_t n = (size_t)(stop - value);
        int good;
        if (which == 0)
            good = n == 3 && memcmp(value, "1.0", 3) == 0;
        else if (which == 1)
            good = (n == 5 && strncasecmp(value, "utf-8", 5) == 0) || (n == 4 && strncasecmp(value, "utf8", 4) == 0);
        else
            good = (n == 3 && memcmp(value, "yes", 3) == 0) || (n == 2 && memcmp(value, "no", 2) == 0);
        if (!good)
            return NULL;
        q = stop + 1;
    }
    return next ? close + 2 : NULL;
}

static int run(Parser *P)
{
    const char *p = P->src, *end = P->src + P->size;
    while (p < end && is_space((unsigned char)*p))
        p++;
    if (end - p >= 6 && memcmp(p, "<?xml", 5) == 0 && is_space((unsigned char)p[5])) {
        const char *after = skip_declaration(p, end);
        if (!after || !xml_chars(p, after - p))
            return REFUSE;
        p = after;
    }
    while (p < end) {
        if (*p != '<') {
            const char *lt = memchr(p, '<', (size_t)(end - p));
            const char *stop = lt ? lt : end;
            int status = text_data(P, p, stop - p);
            if (status != OK)
                return status;
            p = stop;
            continue;
        }
        if (p + 1 >= end)
            return REFUSE;
        char c = p[1];
        int status;
        if (c == '/') {
            status = end_tag(P, p, &p);
        } else if (c == '!') {
            if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
                const char *after = skip_comment(p, end);
                status = after && xml_chars(p, after - p) ? OK : REFUSE;
                p = after;
            } else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0 && P->depth > 0) {
                const char *s = p + 9;
                const char *close = find_cdata_end(s, end - s);
                if (!close)
                    return REFUSE;
                status = cdata_data(P, s, close - s);
                p = close + 3;
            } else if (end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0 && P->depth == 0 && !P->root) {
                /* Skipped, as the lxml path strips it; an internal subset (entities) is lxml's business. */
                const char *gt = memchr(p, '>', (size_t)(end - p));
                if (!gt || memchr(p, '[', (size_t)(gt - p)) || !xml_chars(p, gt - p))
                    return REFUSE;
                p = gt + 1;
                status = OK;
            } else {
                return REFUSE;
            }
        } else if (c == '?') {
            const char *after = skip_pi(p, end);
            status = after && xml_chars(p, after - p) ? OK : REFUSE;
            p = after;
        } else {
            status = start_tag(P, p, &p);
        }
        if (status != OK)
            return status;
    }
    if (!P->root || P->depth != 0)
        return REFUSE;
    return OK;
}

static PyObject *litetree_parse(PyObject *module, PyObject *args)
{
    PyObject *source, *base;
    if (!PyArg_ParseTuple(args, "SU:parse", &source, &base))
        return NULL;
    Parser *P = PyMem_Calloc(1, sizeof(Parser));
    if (!P)
        return PyErr_NoMemory();
    P->src = PyBytes_AS_STRING(source);
    P->size = PyBytes_GET_SIZE(source);
    P->source = source;
    P->base = PyUnicode_GET_LENGTH(base) ? base : Py_None;
    int status = ERROR;
    P->uris = PyDict_New();
    if (P->uris) {
        PyObject *xml = PyUnicode_FromString(XML_NS);
        if (xml && PyDict_SetItem(P->uris, xml, xml) == 0)
            status = run(P);
        Py_XDECREF(xml);
    }
    for (Py_ssize_t i = 0; i < CACHE_SIZE; i++)
        Py_XDECREF(P->cache[i].tag);
    for (Py_ssize_t i = 0; i < WS_CACHE; i++)
        Py_XDECREF(P->whitespace[i].str);
    Py_XDECREF(P->uris);
    PyMem_Free(P->bindings);
    buf_free(&P->text);
    buf_free(&P->scratch);
    Element *root = P->root;
    int xml_base = P->xml_base;
    PyMem_Free(P);
    if (status == OK) {
        PyObject *result = Py_BuildValue("(NO)", (PyObject *)root, xml_base ? Py_True : Py_False);
        return result;
    }
    Py_XDECREF(root);
    if (status == ERROR)
        return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------------------------------ */
/* Serialization of an element's content (what lxml's tostring() writes between its tags)           */

static int escape_into(Buf *out, const char *s, Py_ssize_t n, int attribute)
{
    Py_ssize_t run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '\r': rep = "&#13;"; break;
        case '"': rep = attribute ? "&quot;" : NULL; break;
        case '\n': rep = attribute ? "&#10;" : NULL; break;
        case '\t': rep = attribute ? "&#9;" : NULL; break;
        default: rep = NULL;
        }
        if (!rep)
            continue;
        if (buf_put(out, s + run, i - run) < 0 || buf_put(out, rep, (Py_ssize_t)strlen(rep)) < 0)
            return -1;
        run = i + 1;
    }
    return buf_put(out, s + run, n - run);
}

/* Decoded text of a span, escaped into out. The document was checked when the tree was built. */
static int serialize_text(Buf *out, Buf *tmp, const char *s, Py_ssize_t n, int cdata, int *open)
{
    if (n == 0)
        return 0;
    if (*open) {
        if (buf_put(out, ">", 1) < 0)
            return -1;
        *open = 0;
    }
    tmp->len = 0;
    if (cdata) {
        Py_ssize_t run = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (s[i] != '\r')
                continue;
            if (buf_put(tmp, s + run, i - run) < 0 || buf_put(tmp, "\n", 1) < 0)
                return -1;
            run = (i + 1 < n && s[i + 1] == '\n') ? i + 2 : i + 1;
            if (run == i + 2)
                i++;
        }
        if (buf_put(tmp, s + run, n - run) < 0)
            return -1;
    } else if (decode_span(s, n, tmp, 0) != 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "inner_xml: text no longer decodes");
        return -1;
    }
    return escape_into(out, tmp->data, tmp->len, 0);
}

static PyObject *element_inner_xml(Element *self, PyObject *Py_UNUSED(ignored))
{
    const char *src = PyBytes_AS_STRING(self->source);
    const char *p = src + self->start, *end = src + self->end;
    Buf out = {0}, tmp = {0};
    int open = 0; /* a start tag written without its closing '>' yet (it may turn out to be empty) */
    while (p < end) {
        if (*p != '<') {
            const char *lt = memchr(p, '<', (size_t)(end - p));
            const char *stop = lt ? lt : end;
            if (serialize_text(&out, &tmp, p, stop - p, 0, &open) < 0)
                goto fail;
            p = stop;
        } else if (p + 1 < end && p[1] == '/') {
            const char *q = read_name(p + 2, end);
            const char *gt = q ? memchr(q, '>', (size_t)(end - q)) : NULL;
            if (!gt)
                goto broken;
            if (open) {
                if (buf_put(&out, "/>", 2) < 0)
                    goto fail;
                open = 0;
            } else if (buf_put(&out, "</", 2) < 0 || buf_put(&out, p + 2, q - (p + 2)) < 0 ||
                       buf_put(&out, ">", 1) < 0) {
                goto fail;
            }
            p = gt + 1;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *next = skip_comment(p, end);
            p = next ? next : end;
        } else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
            const char *s = p + 9;
            const char *close = find_cdata_end(s, end - s);
            if (!close)
                close = end;
            if (serialize_text(&out, &tmp, s, close - s, 1, &open) < 0)
                goto fail;
            p = close + 3;
        } else if (p + 1 < end && p[1] == '?') {
            const char *close = memmem(p, (size_t)(end - p), "?>", 2);
            p = close ? close + 2 : end;
        } else {
            if (open) {
                if (buf_put(&out, ">", 1) < 0)
                    goto fail;
                open = 0;
            }
            const char *q = read_name(p + 1, end);
            if (!q)
                break;
            if (buf_put(&out, p, q - p) < 0)
                goto fail;
            for (;;) {
                while (q < end && is_space((unsigned char)*q))
                    q++;
                if (q >= end)
                    break;
                if (*q == '>') {
                    q++;
                    open = 1;
                    break;
                }
                if (*q == '/') {
                    if (buf_put(&out, "/>", 2) < 0)
                        goto fail;
                    q += 2;
                    break;
                }
                const char *name = q;
                q = read_name(q, end);
                if (!q)
                    goto broken;
                Py_ssize_t nlen = q - name;
                while (q < end && *q != '"' && *q != '\'')
                    q++;
                if (q >= end)
                    goto broken;
                const char *close = memchr(q + 1, *q, (size_t)(end - q - 1));
                if (!close)
                    goto broken;
                RawAttr a = {name, q + 1, nlen, close - q - 1, 0};
                q = close + 1;
                if (is_declaration(&a))
                    continue;
                tmp.len = 0;
                if (decode_span(a.value, a.vlen, &tmp, 1) != 0) {
                    if (!PyErr_Occurred())
                        PyErr_SetString(PyExc_ValueError, "inner_xml: attribute no longer decodes");
                    goto fail;
                }
                if (buf_put(&out, " ", 1) < 0 || buf_put(&out, name, nlen) < 0 || buf_put(&out, "=\"", 2) < 0 ||
                    escape_into(&out, tmp.data, tmp.len, 1) < 0 || buf_put(&out, "\"", 1) < 0)
                    goto fail;
            }
            p = q;
        }
    }
    {
        PyObject *result = PyUnicode_DecodeUTF8(out.data ? out.data : "", out.len, "replace");
        buf_free(&out);
        buf_free(&tmp);
        return result;
    }
broken:
    PyErr_SetString(PyExc_ValueError, "inner_xml: malformed content");
fail:
    buf_free(&out);
    buf_free(&tmp);
    return NULL;
}

/* ------------------------------------------------------------------------------------------------ */

static PyMethodDef module_methods[] = {
    {"parse", litetree_parse, METH_VARARGS,
     "parse(data: bytes, base_url: str) -> tuple[Element, bool] | None\n\n"
     "The root element of a well-formed UTF-8 XML document and whether it uses xml:base, or None for\n"
     "anything this parser leaves to lxml."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "newsdesk.reader.feeds._litetree",
    .m_doc = "A one-pass, read-only XML element tree for feeds (see litetree.py).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__litetree(void)
{
    init_tables();
    if (PyType_Ready(&ElementType) < 0)
        return NULL;
    PyObject *parse_module = PyImport_ImportModule("urllib.parse");
    if (!parse_module)
        return NULL;
    urljoin = PyObject_GetAttrString(parse_module, "urljoin");
    Py_DECREF(parse_module);
    if (!urljoin)
        return NULL;
    XML_BASE_KEY = PyUnicode_FromFormat("{%s}base", XML_NS);
    if (!XML_BASE_KEY)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    Py_INCREF(&ElementType);
    if (PyModule_AddObject(m, "Element", (PyObject *)&ElementType) < 0) {
        Py_DECREF(&ElementType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
