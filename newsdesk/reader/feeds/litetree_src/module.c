/* The module: parse() and the Element type. */
#include "litetree.h"

PyObject *lt_urljoin;
PyObject *lt_xml_base_key;

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
    lt_urljoin = PyObject_GetAttrString(parse_module, "urljoin");
    Py_DECREF(parse_module);
    if (!lt_urljoin)
        return NULL;
    lt_xml_base_key = PyUnicode_FromFormat("{%s}base", XML_NS);
    if (!lt_xml_base_key)
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
