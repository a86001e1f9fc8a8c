/* Serialization of an element's content: what lxml's tostring() writes between its tags. */
#include "litetree.h"

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
        if (put_normalized_lines(tmp, s, n) < 0)
            return -1;
    } else if (decode_span(s, n, tmp, 0) != 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "inner_xml: text no longer decodes");
        return -1;
    }
    return escape_into(out, tmp->data, tmp->len, 0);
}

PyObject *element_inner_xml(Element *self, PyObject *Py_UNUSED(ignored))
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
