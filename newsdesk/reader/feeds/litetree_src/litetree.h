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
 * deallocation, and depth is capped at MAX_DEPTH. A test fuzzes an AddressSanitizer/UBSan build.
 *
 * Files: document.c (prolog, main loop, parse()), parser.c (text and tags), names.c (qualified names,
 * namespaces, interned tags), chars.c (buffer, character classes, references), uri.c (the URI checks
 * for namespace names and xml:base), element.c (the Element type), serialize.c (inner_xml()),
 * module.c (the module). Only PyInit__litetree is exported (-fvisibility=hidden).
 */
#ifndef NEWSDESK_LITETREE_H
#define NEWSDESK_LITETREE_H

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
#define XML_NS "http://www.w3.org/XML/1998/namespace"

/* Set up by the module (module.c). */
extern PyObject *lt_urljoin;      /* urllib.parse.urljoin, for xml:base */
extern PyObject *lt_xml_base_key; /* "{http://www.w3.org/XML/1998/namespace}base" */

/* Result of a parsing step: OK, REFUSE (not for us: return None), ERROR (a Python exception is set). */
enum { OK = 0, REFUSE = 1, ERROR = -1 };

/* Growable byte buffer (chars.c) */
typedef struct {
    char *data;
    Py_ssize_t len, cap;
} Buf;

int buf_reserve(Buf *b, Py_ssize_t extra);
int buf_put(Buf *b, const char *s, Py_ssize_t n);
void buf_free(Buf *b);

/* Character classes (chars.c) */
extern unsigned char TEXT_SPECIAL[256]; /* '&', '\r', ']' and the C0 controls XML forbids */
extern unsigned char NAME_CHAR[256];    /* ASCII letters, digits, '.', '-', '_', ':' and every non-ASCII byte */
extern unsigned char NAME_START[256];
extern unsigned char PREFIX_CHAR[256];  /* what Python's \w matches in ASCII; other prefixes are left to lxml */
void init_tables(void);

static inline int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline int is_control(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
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

/* Text (chars.c) */
int decode_span(const char *s, Py_ssize_t n, Buf *b, int attribute);
int xml_chars(const char *s, Py_ssize_t n);
int put_normalized_lines(Buf *b, const char *s, Py_ssize_t n);
const char *find_cdata_end(const char *s, Py_ssize_t n);

/* URIs (uri.c) */
int plain_uri(PyObject *value);
int simple_base(PyObject *value);

/* Names (names.c; the parts that need no parser state) */
const char *read_name(const char *p, const char *end);
Py_ssize_t split_qname(const char *q, Py_ssize_t n);

typedef struct {
    const char *qname, *value;
    Py_ssize_t qlen, vlen;
    int plain; /* value has no reference, tab, newline or carriage return */
} RawAttr;

int is_declaration(RawAttr *a);

/* Markup skipped as a whole (document.c) */
const char *skip_comment(const char *p, const char *end);

/* The element type (element.c) */
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

extern PyTypeObject ElementType;
PyObject *element_inner_xml(Element *self, PyObject *ignored); /* serialize.c */

/* The parser's entry point (document.c) */
PyObject *litetree_parse(PyObject *module, PyObject *args);

#endif
