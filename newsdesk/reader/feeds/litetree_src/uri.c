/* The URI checks that keep the fast path where libxml2 and urljoin agree (namespace names, xml:base). */
#include "litetree.h"

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
int plain_uri(PyObject *value)
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
int simple_base(PyObject *value)
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
    /* The path keeps to the characters libxml2 writes back unescaped (it escapes ':' there, for one). */
    const char *host_end = path == u ? u : memchr(path, '/', (size_t)(u + n - path));
    for (const char *c = host_end ? host_end : u + n; c < u + n; c++) {
        unsigned char ch = (unsigned char)*c;
        int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && (!ch || !strchr("-_.!~*'()/;@&=+$,%", ch)))
            return 0;
    }
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
