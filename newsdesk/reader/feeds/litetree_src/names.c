/* Names: qualified names, namespace bindings, interned tag strings, attribute values. */
#include "parser.h"

PyObject *decode(const char *s, Py_ssize_t n, int *status)
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

PyObject *cached_name(Parser *P, PyObject *uri, const char *local, Py_ssize_t llen, int *status)
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

/* Read a name at p; returns its end, or NULL when there is none. */
const char *read_name(const char *p, const char *end)
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
Py_ssize_t split_qname(const char *q, Py_ssize_t n)
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

PyObject *lookup_ns(Parser *P, const char *prefix, Py_ssize_t plen, int *found)
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


PyObject *attr_value(Parser *P, RawAttr *a, int *status)
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

int declare_namespaces(Parser *P, Py_ssize_t nattrs)
{
    for (Py_ssize_t i = 0; i < nattrs; i++) {
        RawAttr *a = &P->attrs[i];
        if (a->qlen < 5 || memcmp(a->qname, "xmlns", 5) != 0)
            continue;
        for (Py_ssize_t j = 0; j < i; j++) {
            RawAttr *earlier = &P->attrs[j];
            if (earlier->qlen == a->qlen && memcmp(earlier->qname, a->qname, (size_t)a->qlen) == 0)
                return REFUSE; /* the same prefix declared twice on one element: not well-formed */
        }
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

int is_declaration(RawAttr *a)
{
    return a->qlen >= 5 && memcmp(a->qname, "xmlns", 5) == 0 && (a->qlen == 5 || a->qname[5] == ':');
}

/* Parse a start tag at p (p[0] == '<'); on success *next is past its '>'. */
