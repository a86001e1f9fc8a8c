/* The element type: the part of lxml's element API the feed readers use. */
#include "litetree.h"


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

PyTypeObject ElementType = {
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
