/* The document: prolog, comments, processing instructions, the main loop and `parse()`. */
#include "parser.h"

const char *skip_comment(const char *p, const char *end)
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

PyObject *litetree_parse(PyObject *module, PyObject *args)
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
