/* Character data and tags: building the tree as the scan meets them. */
#include "parser.h"

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
int text_data(Parser *P, const char *s, Py_ssize_t n)
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
int cdata_data(Parser *P, const char *s, Py_ssize_t n)
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
    return put_normalized_lines(&P->text, s, n) < 0 ? ERROR : OK;
}


int start_tag(Parser *P, const char *p, const char **next)
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
        PyObject *xml_base = PyDict_GetItemWithError(el->attrib, lt_xml_base_key);
        if (xml_base) {
            P->xml_base = 1;
            if (!plain_uri(xml_base) || !simple_base(xml_base) || !(el->base == Py_None || simple_base(el->base)))
                return REFUSE; /* outside the cases where urljoin and libxml2 agree: lxml decides */
            /* What lxml's .base gives: this value resolved against the parent's base (libxml2 walks the
             * ancestors the other way round; the result is the same chain of resolutions). */
            PyObject *joined = el->base == Py_None ? (Py_INCREF(xml_base), xml_base)
                                                   : PyObject_CallFunctionObjArgs(lt_urljoin, el->base, xml_base, NULL);
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

int end_tag(Parser *P, const char *p, const char **next)
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
