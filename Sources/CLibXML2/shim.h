#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, whose headers clash with the ICU module that Foundation ships
 * ("'UErrorCode' has different definitions in different modules"). We never use the ICU members
 * of the encoding handler, so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
/* xmlFree is a global function-pointer variable, which Swift 6 rejects as shared mutable state. */
static inline void clibxml2_free(void *p) { xmlFree(p); }
#endif
