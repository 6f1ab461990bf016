#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU, and its encoding.h then includes the system's ICU headers,
// whose types clash with the copy of ICU inside Swift's Foundation ("UErrorCode has different
// definitions in different modules") on a clean build. Nothing here uses libxml2's ICU
// converter structures (only pointers to readers), so the ICU part of the headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#endif
