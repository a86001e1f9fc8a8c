/* The parser's state, shared by parser.c, names.c and document.c. */
#ifndef NEWSDESK_LITETREE_PARSER_H
#define NEWSDESK_LITETREE_PARSER_H

#include "litetree.h"

#define CACHE_SIZE 512 /* power of two */

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

/* names.c */
PyObject *decode(const char *s, Py_ssize_t n, int *status);
PyObject *cached_name(Parser *P, PyObject *uri, const char *local, Py_ssize_t llen, int *status);
PyObject *lookup_ns(Parser *P, const char *prefix, Py_ssize_t plen, int *found);
PyObject *attr_value(Parser *P, RawAttr *a, int *status);
int declare_namespaces(Parser *P, Py_ssize_t nattrs);

/* parser.c */
int text_data(Parser *P, const char *s, Py_ssize_t n);
int cdata_data(Parser *P, const char *s, Py_ssize_t n);
int start_tag(Parser *P, const char *p, const char **next);
int end_tag(Parser *P, const char *p, const char **next);

#endif
